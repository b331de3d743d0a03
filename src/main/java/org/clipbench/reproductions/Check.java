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

    /**
     * The neighbouring settings the same claim is judged again at, for the verdict's robustness line: by
     * label (e.g. "p = 1"), the checkParams that change (e.g. {"percentile": "autoclip:p=1"}). Only settings
     * the preset already ran: robustness costs no extra runs, and a check whose preset has no neighbour
     * returns none (the report says so).
     */
    default Map<String, Map<String, Object>> neighbours(Map<String, SweepResults> results) {
        return Map.of();
    }
}
