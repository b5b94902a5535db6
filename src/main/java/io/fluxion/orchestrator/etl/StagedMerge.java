package io.fluxion.orchestrator.etl;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The merge of staged (store, date) pairs into the analytics file (strategy {@code staged}), while the backend is
 * stopped: each store's staging file ATTACHed READ_ONLY to the writer's instance, then, in ONE transaction, each
 * pair replaced by DELETE + INSERT ... SELECT from its staging file; COMMIT, DETACH. All pairs or none: a kill
 * mid-merge leaves the analytics file as before, and the ledger (written after the commit) says "not merged".
 *
 * <p>The suspect-day rule of a direct load applies: when {@code keepOnEmpty} (a planned run) and a pair's staging
 * holds no row while the analytics file holds rows of it, that pair is left as it is and reported kept.
 */
public final class StagedMerge {
    /** One staged pair and the staging file that holds it. */
    public record Pair(String storeId, LocalDate date, Path file) {
    }

    /**
     * What the merge did to one pair: {@code rows}/{@code total} now in the analytics file for it, {@code replaced}
     * the rows it held before; {@code kept}: a suspect pair left as it was (then rows/total are what it holds).
     */
    public record Outcome(Pair pair, long rows, BigDecimal total, long replaced, boolean kept) {
    }

    private StagedMerge() {
    }

    public static List<Outcome> merge(Connection conn, List<Pair> pairs, boolean keepOnEmpty) {
        if (pairs.isEmpty()) {
            return List.of();
        }
        Map<Path, String> aliases = new LinkedHashMap<>();
        for (Pair p : pairs) {
            if (!aliases.containsKey(p.file())) {
                if (!Files.exists(p.file())) {
                    throw new LoadException("the staging file " + p.file() + " of " + p.storeId() + " is missing", null);
                }
                aliases.put(p.file(), "fluxion_stage_" + aliases.size());
            }
        }
        List<String> attached = new ArrayList<>();
        try {
            try (Statement st = conn.createStatement()) {
                for (Map.Entry<Path, String> a : aliases.entrySet()) {
                    st.execute("ATTACH '" + a.getKey().toAbsolutePath().toString().replace("'", "''") + "' AS "
                            + a.getValue() + " (READ_ONLY)");
                    attached.add(a.getValue());
                }
            }
            conn.setAutoCommit(false);
            List<Outcome> out = new ArrayList<>();
            try {
                for (Pair p : pairs) {
                    String alias = aliases.get(p.file());
                    long[] staged = count(conn, alias + ".ventas_raw", p);
                    BigDecimal stagedTotal = sum(conn, alias + ".ventas_raw", p);
                    if (staged[0] == 0 && keepOnEmpty) {
                        long held = count(conn, "ventas_raw", p)[0];
                        if (held > 0) {
                            out.add(new Outcome(p, held, sum(conn, "ventas_raw", p), held, true));
                            continue;
                        }
                    }
                    long replaced = update(conn, "DELETE FROM ventas_raw WHERE ubicacion_id = ? AND fecha = ?", p);
                    long inserted = update(conn, "INSERT INTO ventas_raw BY NAME SELECT * FROM " + alias
                            + ".ventas_raw WHERE ubicacion_id = ? AND fecha = ?", p);
                    if (inserted != staged[0]) {
                        throw new LoadException("merge of " + p.storeId() + " " + p.date() + ": " + inserted
                                + " rows inserted, " + staged[0] + " staged", null);
                    }
                    out.add(new Outcome(p, inserted, stagedTotal, replaced, false));
                }
                conn.commit();
            } catch (SQLException | RuntimeException e) {
                try {
                    conn.rollback();
                } catch (SQLException ignored) {
                    // the connection is closed by the caller; the transaction goes with it
                }
                throw e;
            } finally {
                conn.setAutoCommit(true);
            }
            return out;
        } catch (SQLException e) {
            throw new LoadException("DuckDB merge of the staged rows failed: " + e.getMessage(), e);
        } finally {
            for (String a : attached) {
                try (Statement st = conn.createStatement()) {
                    st.execute("DETACH " + a);
                } catch (SQLException ignored) {
                    // the writer's release closes the instance, and every attachment with it
                }
            }
        }
    }

    private static long[] count(Connection c, String table, Pair p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table
                + " WHERE ubicacion_id = ? AND fecha = ?")) {
            bind(ps, p);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[] {rs.getLong(1)};
            }
        }
    }

    private static BigDecimal sum(Connection c, String table, Pair p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT SUM(total) FROM " + table
                + " WHERE ubicacion_id = ? AND fecha = ?")) {
            bind(ps, p);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                BigDecimal b = rs.getBigDecimal(1);
                return b == null ? BigDecimal.ZERO.setScale(4) : b.setScale(4);
            }
        }
    }

    private static long update(Connection c, String sql, Pair p) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, p);
            return ps.executeUpdate();
        }
    }

    private static void bind(PreparedStatement ps, Pair p) throws SQLException {
        ps.setString(1, p.storeId());
        ps.setObject(2, p.date());
    }
}
