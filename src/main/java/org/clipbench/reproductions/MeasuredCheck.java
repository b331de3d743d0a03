package org.clipbench.reproductions;

import java.util.List;
import java.util.Map;
import org.clipbench.analysis.Figure;
import org.clipbench.analysis.SweepResults;
import tech.tablesaw.api.Table;

/**
 * A check whose evidence is cost measurements of private steps (a preset's "measurements": costs.csv per measurement,
 * by name, see org.clipbench.experiments.StepCosts) instead of training sweeps. Thresholds come from the preset's
 * checkParams, fixed before the run, as for every check.
 */
interface MeasuredCheck extends Check {
    Verdict judgeCosts(Map<String, Table> costs);

    List<Figure> costFigures(Map<String, Table> costs, String id);

    /** As {@link Check#neighbours}: settings the measurements already hold, judged again for the robustness line. */
    default Map<String, Map<String, Object>> costNeighbours(Map<String, Table> costs) {
        return Map.of();
    }

    @Override
    default Verdict judge(Map<String, SweepResults> results) {
        throw new IllegalStateException(getClass().getSimpleName() + " judges cost measurements, not training sweeps");
    }

    @Override
    default List<Figure> figures(Map<String, SweepResults> results, String id) {
        return List.of();
    }
}
