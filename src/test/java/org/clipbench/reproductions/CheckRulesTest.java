package org.clipbench.reproductions;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The decision rule a preset's hash covers (issue 28: the hash covered only the JSON, so a check changed after the
 * data came in went unseen). reproductions/check-rules.txt records, per check, a rule version and the SHA-256 of the
 * check's source and of every class of the package it uses, transitively. Editing any of them fails this test until
 * the line is renewed, and renewing it means a new rule version: presets judged by the rule then hash differently.
 */
class CheckRulesTest {
    static final Path PACKAGE = Path.of("src/main/java/org/clipbench/reproductions");
    static final Path RULES = Path.of("src/main/resources/reproductions/check-rules.txt");

    /** The check's class and every class of the package its source names, transitively, by file name. */
    static Set<String> sources(String checkClass) throws IOException {
        Set<String> all = new TreeSet<>();
        try (var files = Files.list(PACKAGE)) {
            files.map(f -> f.getFileName().toString().replace(".java", "")).forEach(all::add);
        }
        // the registry, the preset record and the runner and report name every check; they carry no decision rule
        all.removeAll(Set.of("Checks", "Reproduction", "ReproductionResults", "ReproductionsReport", "ReproductionRunner"));
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(List.of(checkClass));
        while (!todo.isEmpty()) {
            String c = todo.remove(todo.size() - 1);
            if (!seen.add(c)) continue;
            String src = Files.readString(PACKAGE.resolve(c + ".java"));
            for (String other : all) if (!seen.contains(other) && src.matches("(?s).*\\b" + other + "\\b.*")) todo.add(other);
        }
        return seen;
    }

    static String sha(Set<String> classes) throws Exception {
        MessageDigest d = MessageDigest.getInstance("SHA-256");
        for (String c : classes) {
            d.update((c + "\n").getBytes(StandardCharsets.UTF_8));
            // line endings folded, so a checkout with CRLF hashes the same
            d.update(Files.readString(PACKAGE.resolve(c + ".java")).replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(d.digest()).substring(0, 12);
    }

    @Test
    void everyCheckRuleIsRecordedWithTheHashOfItsSource() throws Exception {
        List<String> lines = Files.readAllLines(RULES).stream().filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        List<String> drift = new ArrayList<>();
        for (String name : Checks.names()) {
            String cls = Checks.create(name, null).getClass().getSimpleName();
            String want = sha(sources(cls));
            String line = lines.stream().filter(l -> l.startsWith(name + " ")).findFirst().orElse(null);
            if (line == null) drift.add(name + ": no line; add '" + name + " v1 " + want + "'");
            else if (!line.split("\\s+")[2].equals(want)) {
                drift.add(name + ": its decision rule's sources changed (" + line + ", now " + want + "): raise the rule version, write '"
                        + name + " v" + (Integer.parseInt(line.split("\\s+")[1].substring(1)) + 1) + " " + want + "', and say in the presets that use it what changed");
            }
        }
        assertThat(drift).as("reproductions/check-rules.txt").isEmpty();
        assertThat(lines).hasSize(Checks.names().size());
    }

    /** The fingerprint takes the rule in: a preset whose check's rule changed hashes differently, its JSON unchanged. */
    @Test
    void thePresetHashCoversTheRule() {
        Reproduction shipped = Reproduction.preset("zclip-stability");
        assertThat(shipped.rule()).startsWith("zclip-stability v").isEqualTo(Checks.rule("zclip-stability"));
        Reproduction otherRule = new Reproduction(shipped.id(), shipped.version(), shipped.paper(), shipped.claim(), shipped.statement(), shipped.budget(),
                shipped.sweeps(), shipped.check(), shipped.checkParams(), "zclip-stability v0 000000000000");
        assertThat(otherRule.contentHash()).isNotEqualTo(shipped.contentHash());
    }
}
