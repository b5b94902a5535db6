package io.fluxion.orchestrator.ledger;

import io.fluxion.orchestrator.config.Texts;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/**
 * The JDBC plumbing of everything that reads and writes the ledger ({@link Ledger}, the monitoring ledger): one
 * pooled connection per call, texts made storable in both databases, timestamps as UTC {@code TIMESTAMP WITH TIME
 * ZONE}, and every driver error turned into a {@link LedgerException} with a bounded message (H2 quotes the whole
 * offending value in its messages).
 */
public final class LedgerJdbc {
    private final DataSource ds;

    public LedgerJdbc(DataSource ds) {
        this.ds = ds;
    }

    @FunctionalInterface
    public interface RowMapper<T> {
        T map(ResultSet rs) throws SQLException;
    }

    @FunctionalInterface
    public interface TxWork {
        void run(Connection c) throws SQLException;
    }

    public Connection connection() throws SQLException {
        return ds.getConnection();
    }

    public <T> List<T> list(String sql, RowMapper<T> mapper, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            List<T> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(mapper.map(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw new LedgerException("ledger query failed: " + message(e), e);
        }
    }

    /** The first row's answer, or null when there is none. */
    public <T> T one(String sql, RowMapper<T> mapper, Object... args) {
        List<T> l = list(sql, mapper, args);
        return l.isEmpty() ? null : l.get(0);
    }

    public int update(String sql, Object... args) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new LedgerException("ledger update failed: " + message(e), e);
        }
    }

    /** Inserts one row and answers its generated {@code id}. */
    public long insert(String sql, Object... args) {
        try (Connection c = ds.getConnection();
             PreparedStatement ps = c.prepareStatement(sql, new String[] {"id"})) {
            bind(ps, args);
            ps.executeUpdate();
            try (ResultSet rs = ps.getGeneratedKeys()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new LedgerException("ledger insert failed: " + message(e), e);
        }
    }

    public void inTransaction(TxWork work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.run(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new LedgerException("ledger transaction failed: " + message(e), e);
        }
    }

    /** One statement on a connection of {@link #inTransaction}. */
    public static void exec(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            bind(ps, args);
            ps.executeUpdate();
        }
    }

    public static void bind(PreparedStatement ps, Object... args) throws SQLException {
        for (int i = 0; i < args.length; i++) {
            Object a = args[i];
            ps.setObject(i + 1, a instanceof String str ? storable(str) : a);
        }
    }

    /**
     * A text as both databases store it: PostgreSQL refuses the NUL character in a text column (an HTTP body or a
     * driver's message may hold one), so it becomes U+FFFD, which H2 and PostgreSQL keep as it is.
     */
    public static String storable(String s) {
        return s == null || s.indexOf('\u0000') < 0 ? s : s.replace('\u0000', '\uFFFD');
    }

    public static OffsetDateTime ts(Instant i) {
        return i == null ? null : OffsetDateTime.ofInstant(i, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, int col) throws SQLException {
        OffsetDateTime o = rs.getObject(col, OffsetDateTime.class);
        return o == null ? null : o.toInstant();
    }

    /** A driver's message, bounded: H2 quotes the whole offending value in it (thousands of characters). */
    public static String message(Exception e) {
        return Texts.clip(String.valueOf(e.getMessage()), 500);
    }
}
