package dev.ferry.engine.store;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.StringJoiner;
import java.util.function.Function;

/**
 * A table whose columns are the constants of one enum ({@link JobColumn}, {@link FileColumn}), each
 * named as its column in lower case and carrying its SQL type, whether it belongs to the primary
 * key, and how a write binds it from the row. The statements, their placeholders, the binding of a
 * row and the reading of a result are all derived from that one list, so adding a column is one
 * constant (and a step in {@link Migrations}).
 *
 * <p>Every statement names the columns in one order, the keys last: an insert names them all, an
 * update sets the others and finds the row by the keys, so both bind in the same order, and a
 * select names them in that order too, so that a result is read by position.
 *
 * @param <R> the row type a write binds
 * @param <C> the enum whose constants are the columns
 */
final class Table<R, C extends Enum<C>> {
  private final String name;

  /** The columns in statement order, the keys last. */
  private final List<Column<R>> columns;

  private final int keys;

  /** The columns by the ordinal of their enum constant. */
  private final List<Column<R>> byConstant;

  /** The position (1-based) of each constant's column in the statements, by ordinal. */
  private final int[] positions;

  private Table(String name, List<Column<R>> byConstant) {
    this.name = name;
    this.byConstant = byConstant;
    List<Column<R>> ordered = new ArrayList<>();
    List<Column<R>> keyColumns = new ArrayList<>();
    for (Column<R> column : byConstant) {
      (column.binding().key() ? keyColumns : ordered).add(column);
    }
    ordered.addAll(keyColumns);
    this.columns = List.copyOf(ordered);
    this.keys = keyColumns.size();
    this.positions = new int[byConstant.size()];
    for (int i = 0; i < positions.length; i++) {
      positions[i] = columns.indexOf(byConstant.get(i)) + 1;
    }
  }

  /** The table {@code name} of {@code constants}, an enum's {@code values()}. */
  static <R, C extends Enum<C>> Table<R, C> of(
      String name, C[] constants, Function<C, Binding<R>> binding) {
    List<Column<R>> columns = new ArrayList<>();
    for (C constant : constants) {
      columns.add(new Column<>(constant.name().toLowerCase(Locale.ROOT), binding.apply(constant)));
    }
    return new Table<>(name, List.copyOf(columns));
  }

  /** A column whose value is read off the row. */
  static <R, T> Binding<R> column(SqlType<T> type, Function<? super R, ? extends T> value) {
    return bootColumn(type, (row, boot) -> value.apply(row));
  }

  /** A column of the primary key. */
  static <R, T> Binding<R> key(SqlType<T> type, Function<? super R, ? extends T> value) {
    Binding<R> column = column(type, value);
    return new Binding<>(column.type(), true, column.binder());
  }

  /**
   * A column whose value depends on the boot of the machine the store records ({@link BootId}; null
   * when unknown) as well as on the row.
   */
  static <R, T> Binding<R> bootColumn(SqlType<T> type, BootValue<? super R, ? extends T> value) {
    return new Binding<>(type, false, (ps, i, row, boot) -> type.set(ps, i, value.of(row, boot)));
  }

  /** Every column, in statement order. */
  List<Column<R>> columns() {
    return columns;
  }

  /** The columns that find a row: the table's primary key. */
  List<Column<R>> keys() {
    return columns.subList(columns.size() - keys, columns.size());
  }

  String name() {
    return name;
  }

  /** A select of every column, in statement order, so that {@link #get} reads by position. */
  String select() {
    return "SELECT " + join(columns, "", ", ") + " FROM " + name;
  }

  String insert() {
    return "INSERT INTO "
        + name
        + " ("
        + join(columns, "", ", ")
        + ") VALUES ("
        + String.join(",", Collections.nCopies(columns.size(), "?"))
        + ")";
  }

  /**
   * An update of the row the keys name, not a REPLACE: SQLite carries a REPLACE out as a delete and
   * an insert under a new rowid, which moves the row to another page and rewrites the primary key's
   * index too, so a checkpoint wrote more pages to the WAL (frames per checkpoint and the
   * benchmark's figures: bench/README.md, StoreBenchmark). Nor does an update bring back a row
   * deleted meanwhile.
   */
  String update() {
    return "UPDATE "
        + name
        + " SET "
        + join(columns.subList(0, columns.size() - keys), " = ?", ", ")
        + " WHERE "
        + join(keys(), " = ?", " AND ");
  }

  /** Binds every column of {@code row} to a statement of {@link #insert} or {@link #update}. */
  void bind(PreparedStatement ps, R row, String boot) throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      columns.get(i).binding().binder().bind(ps, i + 1, row, boot);
    }
  }

  /**
   * The value of {@code column} (a constant of this table's enum) in the current row of a result of
   * {@link #select}, as its SQL type reads it. The caller names the Java type it expects: the
   * constant's binding fixed it, and StoreTest reads back every column it wrote.
   */
  @SuppressWarnings("unchecked")
  <T> T get(ResultSet rs, C column) throws SQLException {
    SqlType<?> type = byConstant.get(column.ordinal()).binding().type();
    return (T) type.get(rs, positions[column.ordinal()]);
  }

  /** The columns' names, each followed by {@code suffix}, joined by {@code separator}. */
  private static String join(List<? extends Column<?>> columns, String suffix, String separator) {
    StringJoiner joined = new StringJoiner(separator);
    for (Column<?> column : columns) {
      joined.add(column.name() + suffix);
    }
    return joined.toString();
  }

  /** A column's SQL type, whether it is part of the key, and how a write binds it from the row. */
  record Binding<R>(SqlType<?> type, boolean key, Binder<R> binder) {}

  /** Binds one column's value, taken from the row (and the boot), at {@code index}. */
  @FunctionalInterface
  interface Binder<R> {
    void bind(PreparedStatement ps, int index, R row, String boot) throws SQLException;
  }

  /** How a column's value is taken from a row being written and the boot the store records. */
  @FunctionalInterface
  interface BootValue<R, T> {
    T of(R row, String boot);
  }

  /** One column: its name and its binding. */
  record Column<R>(String name, Binding<R> binding) {}
}
