package dev.ferry.engine.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.UUID;

/**
 * An SQL type of a {@link Table}'s column: its name in the schema ({@code PRAGMA table_info}) and
 * how a Java value is bound to it and read from it.
 */
record SqlType<T>(String sql, SqlType.Setter<T> setter, SqlType.Getter<T> getter) {
  void set(PreparedStatement ps, int index, T value) throws SQLException {
    setter.set(ps, index, value);
  }

  /** Binds {@code value}, which a table's values give as an object of this type. */
  @SuppressWarnings("unchecked")
  void setValue(PreparedStatement ps, int index, Object value) throws SQLException {
    setter.set(ps, index, (T) value);
  }

  T get(ResultSet rs, int index) throws SQLException {
    return getter.get(rs, index);
  }

  @FunctionalInterface
  interface Setter<T> {
    void set(PreparedStatement ps, int index, T value) throws SQLException;
  }

  @FunctionalInterface
  interface Getter<T> {
    T get(ResultSet rs, int index) throws SQLException;
  }

  /** A {@code long}; NULL reads as 0. */
  static final SqlType<Long> LONG =
      new SqlType<>("INTEGER", (ps, i, v) -> ps.setLong(i, v), ResultSet::getLong);

  /** An {@code int}; NULL reads as 0. */
  static final SqlType<Integer> INT =
      new SqlType<>("INTEGER", (ps, i, v) -> ps.setInt(i, v), ResultSet::getInt);

  /** An {@code int} that may be null. */
  static final SqlType<Integer> NULLABLE_INT =
      new SqlType<>(
          "INTEGER",
          (ps, i, v) -> {
            if (v == null) {
              ps.setNull(i, Types.INTEGER);
            } else {
              ps.setInt(i, v);
            }
          },
          (rs, i) -> {
            int value = rs.getInt(i);
            return rs.wasNull() ? null : value;
          });

  /** A {@code long} that may be null. */
  static final SqlType<Long> NULLABLE_LONG =
      new SqlType<>(
          "INTEGER",
          (ps, i, v) -> {
            if (v == null) {
              ps.setNull(i, Types.INTEGER);
            } else {
              ps.setLong(i, v);
            }
          },
          (rs, i) -> {
            long value = rs.getLong(i);
            return rs.wasNull() ? null : value;
          });

  /** A boolean as 1 or 0. */
  static final SqlType<Boolean> BOOLEAN =
      new SqlType<>("INTEGER", (ps, i, v) -> ps.setInt(i, v ? 1 : 0), (rs, i) -> rs.getInt(i) != 0);

  static final SqlType<String> TEXT =
      new SqlType<>("TEXT", PreparedStatement::setString, ResultSet::getString);

  /** A UUID as its text, or null. */
  static final SqlType<UUID> UUID_TEXT =
      new SqlType<>(
          "TEXT",
          (ps, i, v) -> ps.setString(i, v == null ? null : v.toString()),
          (rs, i) -> {
            String text = rs.getString(i);
            return text == null ? null : UUID.fromString(text);
          });

  static final SqlType<byte[]> BLOB =
      new SqlType<>("BLOB", PreparedStatement::setBytes, ResultSet::getBytes);
}
