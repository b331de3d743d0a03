package org.clipbench.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.clipbench.analysis.JmhResults;
import org.clipbench.compare.Compare;

/**
 * The verdicts of an A/B folder (written by run-bench.sh --compare-to: ab.json, base-k/, candidate-k/),
 * read for the history: compare's rows with default settings (Benjamini-Hochberg over the rows), filed
 * under the base and candidate commits and the machine of the candidate's runs. The trend figures mark
 * them on the series they judge; the runs themselves are not added (a pull request's commit is no point
 * on main's line).
 */
public final class AbVerdicts {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One judged row: the series (as the history names it), the ratio candidate/base with its interval, and the verdict. */
    public record Verdict(String series, double ratio, double ciLow, double ciHigh, double pAdjusted, String verdict) {
    }

    /** An A/B: its content key, the two commits, the candidate's commit time and machine, and its verdicts. */
    public record Read(String key, String folder, String baseSha, String candidateSha, String candidateCommitTime, String runTime,
                       String fingerprint, List<Verdict> verdicts) {
    }

    private AbVerdicts() {
    }

    /** Whether a folder is an A/B folder (it holds ab.json). */
    public static boolean isAb(Path folder) {
        return Files.isRegularFile(folder.resolve("ab.json"));
    }

    public static Read read(Path folder) throws IOException {
        JsonNode ab;
        try {
            ab = JSON.readTree(folder.resolve("ab.json").toFile());
        } catch (IOException bad) {
            throw new IllegalArgumentException(folder + ": ab.json is not valid JSON (truncated?); rerun the A/B or leave this folder out");
        }
        List<Integer> rounds = Compare.rounds(folder);
        if (rounds.isEmpty()) throw new IllegalArgumentException(folder + ": no base-k/ and candidate-k/ rounds; the A/B did not finish: rerun it or leave this folder out");
        Compare.Result r;
        try {
            r = Compare.compareAb(folder, Compare.Settings.defaults());
        } catch (JmhResults.BadInputException | IllegalArgumentException bad) {
            throw new IllegalArgumentException(folder + ": its rounds cannot be compared (" + bad.getMessage() + "); rerun the A/B or leave this folder out");
        }
        Path firstCandidate = folder.resolve("candidate-" + rounds.get(0));
        List<Verdict> verdicts = new ArrayList<>();
        for (Compare.Row row : r.rows()) {
            verdicts.add(new Verdict(row.key(), row.ratio(), row.ciLow(), row.ciHigh(), row.pAdjusted(), row.verdict().name()));
        }
        HistoryRun.Run machine = HistoryRun.read(firstCandidate).run();
        List<Path> base = new ArrayList<>(), candidate = new ArrayList<>();
        for (int k : rounds) {
            base.add(folder.resolve("base-" + k));
            candidate.add(folder.resolve("candidate-" + k));
        }
        return new Read(contentKey(folder, base, candidate), folder.toAbsolutePath().normalize().toString(),
                ab.path("base").path("git").path("sha").asText("unknown"), machine.gitSha(), machine.commitTime(), machine.runTime(),
                machine.fingerprint(), verdicts);
    }

    /** ab.json and every side's results: the same A/B added twice, from anywhere, is one. */
    private static String contentKey(Path folder, List<Path> base, List<Path> candidate) throws IOException {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(Files.readAllBytes(folder.resolve("ab.json")));
            for (Path side : base) for (Path f : JmhResults.filesOf(side)) sha.update(Files.readAllBytes(f));
            for (Path side : candidate) for (Path f : JmhResults.filesOf(side)) sha.update(Files.readAllBytes(f));
            return "ab-" + HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
