package org.clipbench.strategy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Fuzzing the strategy spec parser: valid specs mutated at random (characters inserted, deleted or
 * replaced; values swapped for NaN, Inf, 1e400, negatives, empty; keys repeated). Every outcome is a
 * strategy or an IllegalArgumentException with a one-line message: no other exception, ever.
 */
class StrategySpecFuzzTest {
    static final List<String> VALID = new ArrayList<>();

    static {
        VALID.addAll(Strategies.names());
        VALID.addAll(CrossBackendStrategyTest.GRADIENT_SPECS);
        VALID.addAll(CrossBackendStrategyTest.DP_SPECS);
    }

    static final List<String> VALUES = List.of("NaN", "Infinity", "-Infinity", "1e400", "-1", "0", "", "1.5", "abc", "9999999999999999999",
            "0x10", " 1", "1,", "=", ":", "inf", "-0", "1e-400", "true", "unit|tensor");

    @Provide
    Arbitrary<String> specs() {
        Arbitrary<String> base = Arbitraries.of(VALID);
        Arbitrary<String> chars = Arbitraries.strings().withChars(":,=.-+eE0123456789abcpC \t%;|\\\"'").ofMinLength(1).ofMaxLength(4);
        return Arbitraries.oneOf(
                // character-level: insert, delete or replace at a random position
                base.flatMap(s -> Arbitraries.integers().between(0, s.length()).flatMap(i -> chars.map(c -> s.substring(0, i) + c + s.substring(i)))),
                base.filter(s -> s.length() > 1).flatMap(s -> Arbitraries.integers().between(0, s.length() - 1)
                        .map(i -> s.substring(0, i) + s.substring(i + 1))),
                // value-level: a key of the strategy set to an odd value, or repeated
                base.flatMap(s -> Arbitraries.of(VALUES).flatMap(v -> keyOf(s).map(k -> name(s) + ":" + k + "=" + v))),
                base.flatMap(s -> keyOf(s).map(k -> name(s) + ":" + k + "=1," + k + "=2")),
                // anything at all
                Arbitraries.strings().ofMaxLength(30));
    }

    static String name(String spec) {
        int colon = spec.indexOf(':');
        return colon < 0 ? spec : spec.substring(0, colon);
    }

    static Arbitrary<String> keyOf(String spec) {
        List<String> keys = new ArrayList<>();
        try {
            Strategies.parameters(name(spec)).forEach(d -> keys.add(d.key()));
        } catch (IllegalArgumentException e) {
            // not a strategy name: any key will do
        }
        keys.add("nosuchkey");
        return Arbitraries.of(keys);
    }

    @Property(tries = 1500)
    void everySpecIsAStrategyOrAOneLineError(@ForAll("specs") String spec) {
        try {
            Strategy s = Strategies.create(spec);
            assertThat(s.name()).isNotBlank();
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).as(spec).isNotBlank().doesNotContain("\n");
        }
    }
}
