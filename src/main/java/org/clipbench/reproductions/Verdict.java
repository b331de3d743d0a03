package org.clipbench.reproductions;

import tech.tablesaw.api.Table;

/** What a check concludes, why, and the numbers it concluded from. */
public record Verdict(Outcome outcome, String reason, Table numbers) {
    public enum Outcome {
        REPRODUCED("reproduced"), NOT_REPRODUCED("not reproduced"), INCONCLUSIVE("inconclusive");

        private final String label;

        Outcome(String label) {
            this.label = label;
        }

        public String label() {
            return label;
        }
    }

    public static Verdict reproduced(String reason, Table numbers) { return new Verdict(Outcome.REPRODUCED, reason, numbers); }
    public static Verdict notReproduced(String reason, Table numbers) { return new Verdict(Outcome.NOT_REPRODUCED, reason, numbers); }
    public static Verdict inconclusive(String reason, Table numbers) { return new Verdict(Outcome.INCONCLUSIVE, reason, numbers); }
}
