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
 * named as its column in lower case and carrying its SQL type and whether it belongs to the primary
 * key; the enum's exhaustive switch gives each column's value in a row. The statements, their
 * placeholders, the binding of a row and the reading of a result are all derived from that one
 * list, so adding a column is one constant, its case in the switch (the compiler asks for it) and a
 * step in {@link Migrations}.
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
  private final List<Column<C>> columns;

  private final int keys;

  /** The columns by the ordinal of their enum constant. */
  private final List<Column<C>> byConstant;

  /** The position (1-based) of each constant's column in the statements, by ordinal. */
  private final int[] positions;

  private final Values<R, C> values;

  private Table(String name, List<Column<C>> byConstant, Values<R, C> values) {
    this.name = name;
    this.byConstant = byConstant;
    this.values = values;
    List<Column<C>> ordered = new ArrayList<>();
    List<Column<C>> keyColumns = new ArrayList<>();
    for (Column<C> column : byConstant) {
      (column.binding().key() ? keyColumns : ordered).add(column);
    }
    ordered.addAll(keyColumns);
    this.columns = List.copyOf(ordered);
    this.keys = keyColumns.size();
    this.positions = new int[byConstant.size()];
    for (int i = 0; i < columns.size(); i++) {
      positions[columns.get(i).constant().ordinal()] = i + 1;
    }
  }

  /**
   * The table {@code name} of {@code constants}, an enum's {@code values()}, each with its binding,
   * and how a write takes each column's value from a row.
   */
  static <R, C extends Enum<C>> Table<R, C> of(
      String name, C[] constants, Function<C, Binding> binding, Values<R, C> values) {
    List<Column<C>> columns = new ArrayList<>();
    for (C constant : constants) {
      columns.add(
          new Column<>(
              constant.name().toLowerCase(Locale.ROOT), constant, binding.apply(constant)));
    }
    return new Table<>(name, List.copyOf(columns), values);
  }

  /** Every column, in statement order. */
  List<Column<C>> columns() {
    return columns;
  }

  /** The columns that find a row: the table's primary key. */
  List<Column<C>> keys() {
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
   * An update of every column but the keys, found by the keys: the same placeholders in the same
   * order as {@link #insert}, so that one {@link #bind} serves both.
   */
  String update() {
    return "UPDATE "
        + name
        + " SET "
        + join(columns.subList(0, columns.size() - keys), " = ?", ", ")
        + " WHERE "
        + join(keys(), " = ?", " AND ");
  }

  /**
   * Binds every column of {@code row}, written by a store of the boot {@code boot}, to a statement
   * of {@link #insert} or {@link #update}.
   */
  void bind(PreparedStatement ps, R row, String boot) throws SQLException {
    for (int i = 0; i < columns.size(); i++) {
      Column<C> column = columns.get(i);
      column.binding().type().setValue(ps, i + 1, values.of(column.constant(), row, boot));
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

  /** A column's SQL type and whether it is part of the primary key. */
  record Binding(SqlType<?> type, boolean key) {}

  /**
   * How a write takes a column's value from the row, and from the boot the store records ({@link
   * BootId}; null when unknown), as the column's {@link SqlType} binds it.
   */
  @FunctionalInterface
  interface Values<R, C> {
    Object of(C column, R row, String boot);
  }

  /** One column: its name, its constant and its binding. */
  record Column<C>(String name, C constant, Binding binding) {}
}
