package org.clipbench.history;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The benchmark history: one DuckDB file (open it with DuckDB's own tools too) holding runs and their
 * measurements. A run is keyed by its content, so adding it again adds nothing; an add is one
 * transaction, so a crash part-way leaves the history as it was.
 */
public final class HistoryDatabase implements AutoCloseable {
    public static final Path DEFAULT = Path.of("results", "history.duckdb");

    private static final String SCHEMA = """
            CREATE TABLE IF NOT EXISTS runs (
              run_key VARCHAR PRIMARY KEY, kind VARCHAR NOT NULL, folder VARCHAR NOT NULL, git_sha VARCHAR, dirty BOOLEAN,
              commit_time TIMESTAMPTZ, run_time TIMESTAMPTZ, fingerprint VARCHAR NOT NULL, cpu_model VARCHAR, cores INTEGER,
              jvm VARCHAR, jvm_flags VARCHAR, added_at TIMESTAMPTZ DEFAULT current_timestamp);
            CREATE TABLE IF NOT EXISTS measurements (
              run_key VARCHAR NOT NULL REFERENCES runs(run_key), series VARCHAR NOT NULL, benchmark VARCHAR NOT NULL, params VARCHAR,
              metric VARCHAR NOT NULL, unit VARCHAR, higher_is_better BOOLEAN NOT NULL, value DOUBLE NOT NULL,
              PRIMARY KEY (run_key, series));
            CREATE TABLE IF NOT EXISTS ab_verdicts (
              ab_key VARCHAR NOT NULL, folder VARCHAR NOT NULL, series VARCHAR NOT NULL, fingerprint VARCHAR NOT NULL, base_sha VARCHAR,
              candidate_sha VARCHAR, candidate_commit_time TIMESTAMPTZ, run_time TIMESTAMPTZ, ratio DOUBLE, ci_low DOUBLE, ci_high DOUBLE,
              p_adjusted DOUBLE, verdict VARCHAR NOT NULL, PRIMARY KEY (ab_key, series));
            """;

    private final Connection db;

    private HistoryDatabase(Connection db) {
        this.db = db;
    }

    /**
     * DuckDB may install and load extensions on its own when a file or a statement asks for one (a SQLite file given as
     * --db, an INSTALL): that downloads at run time, which ClipBench never does. Both are off.
     */
    static Properties offline() {
        Properties p = new Properties();
        p.setProperty("autoinstall_known_extensions", "false");
        p.setProperty("autoload_known_extensions", "false");
        return p;
    }

    /** Opens (creating when missing) the history for writing. */
    public static HistoryDatabase openForWriting(Path file) throws SQLException, IOException {
        if (file.getParent() != null) Files.createDirectories(file.getParent());
        HistoryDatabase h = new HistoryDatabase(DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), offline()));
        try (Statement s = h.db.createStatement()) {
            s.execute(SCHEMA);
        }
        return h;
    }

    /**
     * Opens an existing history read-only: a query can change neither it nor anything else. DuckDB's read-only mode
     * protects the database file only; COPY ... TO 'file' and EXPORT DATABASE 'dir' still wrote files (EXPORT even while
     * its statement was only prepared), and read_csv read any file. With external access off DuckDB refuses every file
     * but the database (ATTACH, INSTALL and LOAD too), and {@link #query} runs only statements that return rows.
     */
    public static HistoryDatabase openForReading(Path file) throws SQLException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + ": no history database here; create one with 'history add RUN_FOLDER --db " + file + "'");
        }
        Properties p = offline();
        p.setProperty("duckdb.read_only", "true");
        p.setProperty("enable_external_access", "false");
        return new HistoryDatabase(DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath(), p));
    }

    /** What an add did: runs (and A/Bs) added and those already present (by content). */
    public record Added(List<String> added, List<String> alreadyThere) {
    }

    public Added add(List<HistoryRun.Read> runs) throws SQLException {
        return add(runs, List.of());
    }

    /** Adds the runs and the A/B verdicts in one transaction: all of them, or (on any error) none. */
    public Added add(List<HistoryRun.Read> runs, List<AbVerdicts.Read> abs) throws SQLException {
        List<String> added = new ArrayList<>(), there = new ArrayList<>();
        db.setAutoCommit(false);
        try (PreparedStatement exists = db.prepareStatement("SELECT 1 FROM runs WHERE run_key = ? UNION ALL SELECT 1 FROM ab_verdicts WHERE ab_key = ?");
             PreparedStatement run = db.prepareStatement("INSERT INTO runs (run_key, kind, folder, git_sha, dirty, commit_time, run_time, fingerprint, "
                     + "cpu_model, cores, jvm, jvm_flags) VALUES (?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), CAST(? AS TIMESTAMPTZ), ?, ?, ?, ?, ?)");
             PreparedStatement m = db.prepareStatement("INSERT INTO measurements VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (HistoryRun.Read r : runs) {
                HistoryRun.Run x = r.run();
                exists.setString(1, x.key());
                exists.setString(2, x.key());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next() || added.contains(x.key())) {
                        there.add(x.folder());
                        continue;
                    }
                }
                Object[] values = {x.key(), x.kind(), x.folder(), x.gitSha(), x.dirty(), x.commitTime(), x.runTime(), x.fingerprint(), x.cpuModel(),
                        x.cores(), x.jvm(), x.jvmFlags()};
                for (int i = 0; i < values.length; i++) run.setObject(i + 1, values[i]);
                run.executeUpdate();
                for (HistoryRun.Measurement y : r.measurements()) {
                    Object[] v = {x.key(), y.series(), y.benchmark(), y.params(), y.metric(), y.unit(), y.higherIsBetter(), y.value()};
                    for (int i = 0; i < v.length; i++) m.setObject(i + 1, v[i]);
                    m.addBatch();
                }
                m.executeBatch();
                added.add(x.key());
            }
            for (AbVerdicts.Read ab : abs) {
                exists.setString(1, ab.key());
                exists.setString(2, ab.key());
                try (ResultSet rs = exists.executeQuery()) {
                    if (rs.next() || added.contains(ab.key())) {
                        there.add(ab.folder());
                        continue;
                    }
                }
                insertVerdicts(ab);
                added.add(ab.key());
            }
            db.commit();
        } catch (SQLException | RuntimeException e) {
            db.rollback();
            throw e;
        } finally {
            db.setAutoCommit(true);
        }
        return new Added(added, there);
    }

    private void insertVerdicts(AbVerdicts.Read ab) throws SQLException {
        try (PreparedStatement v = db.prepareStatement("INSERT INTO ab_verdicts VALUES (?, ?, ?, ?, ?, ?, CAST(? AS TIMESTAMPTZ), "
                + "CAST(? AS TIMESTAMPTZ), ?, ?, ?, ?, ?)")) {
            for (AbVerdicts.Verdict y : ab.verdicts()) {
                Object[] values = {ab.key(), ab.folder(), y.series(), ab.fingerprint(), ab.baseSha(), ab.candidateSha(), ab.candidateCommitTime(),
                        ab.runTime(), finiteOrNull(y.ratio()), finiteOrNull(y.ciLow()), finiteOrNull(y.ciHigh()), finiteOrNull(y.pAdjusted()), y.verdict()};
                for (int i = 0; i < values.length; i++) v.setObject(i + 1, values[i]);
                v.addBatch();
            }
            v.executeBatch();
        }
    }

    /** An unreliable row may lack an interval: SQL NULL, not NaN. */
    private static Double finiteOrNull(double x) {
        return Double.isFinite(x) ? x : null;
    }

    /** A verdict of an A/B as the trend figures mark it. */
    public record AbMark(String series, String fingerprint, String baseSha, String candidateSha, double ratio, double ciLow, double ciHigh,
                         double pAdjusted, String verdict) {
    }

    /** Every A/B verdict of the series whose name contains any of the filters (all when none), oldest first. */
    public List<AbMark> abMarks(List<String> seriesFilters) throws SQLException {
        String sql = "SELECT series, fingerprint, base_sha, candidate_sha, ratio, ci_low, ci_high, p_adjusted, verdict FROM ab_verdicts "
                + "ORDER BY candidate_commit_time NULLS LAST, run_time, series";
        List<AbMark> out = new ArrayList<>();
        try (Statement t = db.createStatement();
             ResultSet has = t.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ab_verdicts'")) {
            if (has.next() && has.getInt(1) == 0) return out; // a history written before A/B verdicts were kept
        }
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String series = rs.getString(1);
                if (!seriesFilters.isEmpty() && seriesFilters.stream().noneMatch(series::contains)) continue;
                out.add(new AbMark(series, rs.getString(2), rs.getString(3), rs.getString(4), doubleOrNaN(rs, 5), doubleOrNaN(rs, 6),
                        doubleOrNaN(rs, 7), doubleOrNaN(rs, 8), rs.getString(9)));
            }
        }
        return out;
    }

    private static double doubleOrNaN(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? Double.NaN : v;
    }

    /** A query's result: column names and rows of text (null for SQL NULL). */
    public record Rows(List<String> columns, List<List<String>> rows) {
    }

    /**
     * Runs a statement that returns rows (SELECT, WITH, DESCRIBE, SUMMARIZE, PRAGMA, EXPLAIN) and returns them. Any other
     * (SET, CREATE, INSERT, COPY, EXPORT, ATTACH, INSTALL, LOAD, ...) is refused once prepared, before it runs: executeQuery ran
     * it first and complained after, so a COPY had written its file by then.
     */
    public Rows query(String sql) throws SQLException {
        if (statementCount(sql) > 1) {
            // DuckDB's JDBC prepare runs every statement but the last one as it prepares: "SET ...; SELECT 1" ran the SET
            throw new IllegalArgumentException("'" + abbreviated(sql) + "' holds more than one statement; history query runs one query");
        }
        try (PreparedStatement s = db.prepareStatement(sql)) {
            if (s.getMetaData() instanceof org.duckdb.DuckDBResultSetMetaData md && md.getReturnType() != org.duckdb.StatementReturnType.QUERY_RESULT) {
                throw new IllegalArgumentException("'" + abbreviated(sql) + "' is not a query that returns rows; history query only reads "
                        + "(SELECT, WITH, DESCRIBE, SUMMARIZE, PRAGMA), it writes nothing: use DuckDB's own tools on a copy to change the file");
            }
            return rows(s);
        }
    }

    /**
     * How many statements the SQL holds: semicolons outside quotes ('...', "...", $tag$...$tag$) and comments (-- and
     * block comments) separate them, and only a part with something other than blanks and comments counts.
     */
    static int statementCount(String sql) {
        int count = 0, i = 0, n = sql.length();
        boolean content = false;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                int end = sql.indexOf(c, i + 1);
                while (end >= 0 && end + 1 < n && sql.charAt(end + 1) == c) end = sql.indexOf(c, end + 2); // '' and "" inside
                i = end < 0 ? n : end + 1;
                content = true;
            } else if (c == '$' && sql.indexOf('$', i + 1) > 0 && sql.substring(i + 1, sql.indexOf('$', i + 1)).matches("[A-Za-z_]*")) {
                String tag = sql.substring(i, sql.indexOf('$', i + 1) + 1);
                int end = sql.indexOf(tag, i + tag.length());
                i = end < 0 ? n : end + tag.length();
                content = true;
            } else if (sql.startsWith("--", i)) {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (sql.startsWith("/*", i)) {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 2;
            } else if (c == ';') {
                if (content) count++;
                content = false;
                i++;
            } else {
                if (!Character.isWhitespace(c)) content = true;
                i++;
            }
        }
        return content ? count + 1 : count;
    }

    private static String abbreviated(String sql) {
        String one = sql.strip().replaceAll("\\s+", " ");
        return one.length() <= 60 ? one : one.substring(0, 59) + "…";
    }

    private static Rows rows(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            ResultSetMetaData md = rs.getMetaData();
            List<String> cols = new ArrayList<>();
            for (int i = 1; i <= md.getColumnCount(); i++) cols.add(md.getColumnLabel(i));
            List<List<String>> rows = new ArrayList<>();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= cols.size(); i++) row.add(rs.getString(i));
                rows.add(row);
            }
            return new Rows(cols, rows);
        }
    }

    /** One point of a series: its value and where it came from, in history order (commit time, then run time). */
    public record Point(String series, String fingerprint, String gitSha, String commitTime, String runTime, String metric, String unit,
                        boolean higherIsBetter, double value) {
    }

    /** Every point of the series whose name contains any of the filters (all series when none), in history order. */
    public List<Point> points(List<String> seriesFilters) throws SQLException {
        String sql = "SELECT m.series, r.fingerprint, r.git_sha, CAST(r.commit_time AS VARCHAR), CAST(r.run_time AS VARCHAR), m.metric, m.unit, "
                + "m.higher_is_better, m.value FROM measurements m JOIN runs r USING (run_key) "
                + "ORDER BY m.series, r.fingerprint, r.commit_time NULLS LAST, r.run_time, r.run_key";
        List<Point> out = new ArrayList<>();
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String series = rs.getString(1);
                if (!seriesFilters.isEmpty() && seriesFilters.stream().noneMatch(series::contains)) continue;
                out.add(new Point(series, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getBoolean(8), rs.getDouble(9)));
            }
        }
        return out;
    }

    @Override
    public void close() throws SQLException {
        db.close();
    }
}
