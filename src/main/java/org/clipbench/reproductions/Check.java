package org.clipbench.reproductions;

import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;

/**
 * Turns the results of a reproduction's sweeps (by sweep name) into a verdict and the paper-style
 * figures. Thresholds come from the preset's checkParams, fixed before the run: a check never looks at
 * the results to choose them.
 */
public interface Check {
    Verdict judge(Map<String, SweepResults> results);

    List<Figure> figures(Map<String, SweepResults> results, String id);
}
