package dev.ferry.engine.store;

import static dev.ferry.engine.store.SqlType.BLOB;
import static dev.ferry.engine.store.SqlType.BOOLEAN;
import static dev.ferry.engine.store.SqlType.INT;
import static dev.ferry.engine.store.SqlType.LONG;
import static dev.ferry.engine.store.SqlType.TEXT;
import static dev.ferry.engine.store.SqlType.UUID_TEXT;

import dev.ferry.engine.transfer.SourceCounters;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code files} table, a {@link FileRow} a row: each constant is the column of its name in
 * lower case, in the schema's order (see {@link Table}).
 */
enum FileColumn {
  JOB_ID(UUID_TEXT, true),
  IDX(INT, true),
  REMOTE_URL(TEXT),
  LOCAL_PATH(TEXT),
  TEMP_PATH(TEXT),
  RANGES(TEXT),
  REMOTE_SIZE(LONG),
  ETAG(TEXT),
  LAST_MODIFIED(TEXT),
  PIECE_SIZE(INT),
  PIECES(BLOB),
  COMPLETED(BOOLEAN),
  RESPONSE_HEADERS(TEXT),
  DELIVERY(TEXT),
  BYTES_FROM_HTTP(LONG),
  BYTES_FROM_PEERS(LONG),
  BYTES_FROM_CACHE(LONG),
  CONNECTIONS(INT),
  ACTIVE_MS(LONG),
  PIECES_REJECTED(INT),
  /** Counts by kind of source ({@link SourceCounters#encodeByKind}); null in older rows. */
  SOURCE_COUNTS(TEXT),
  /**
   * The pieces written by the last checkpoint, trusted only in the boot that wrote them: where the
   * boot is unknown none are recorded.
   */
  WRITTEN_PIECES(BLOB),
  WRITTEN_BOOT(TEXT);

  static final Table<FileRow, FileColumn> TABLE =
      Table.of("files", values(), column -> column.binding, FileColumn::value);

  private final Table.Binding binding;

  FileColumn(SqlType<?> type) {
    this(type, false);
  }

  FileColumn(SqlType<?> type, boolean key) {
    this.binding = new Table.Binding(type, key);
  }

  /**
   * The value of {@code column} in {@code r}, written by a store of the boot {@code boot}. One
   * exhaustive switch, so that a constant without a value does not compile, and one method for
   * every column, so that a short download runs it compiled after a few rows.
   */
  private static Object value(FileColumn column, FileRow r, String boot) {
    return switch (column) {
      case JOB_ID -> r.jobId();
      case IDX -> r.index();
      case REMOTE_URL -> r.remoteUrl();
      case LOCAL_PATH -> r.localPath();
      case TEMP_PATH -> r.tempPath();
      case RANGES -> r.ranges();
      case REMOTE_SIZE -> r.remoteSize();
      case ETAG -> r.etag();
      case LAST_MODIFIED -> r.lastModified();
      case PIECE_SIZE -> r.pieceSize();
      case PIECES -> r.pieces();
      case COMPLETED -> r.completed();
      case RESPONSE_HEADERS -> r.responseHeaders();
      case DELIVERY -> r.delivery();
      case BYTES_FROM_HTTP -> r.counters().bytesFromHttp();
      case BYTES_FROM_PEERS -> r.counters().bytesFromPeers();
      case BYTES_FROM_CACHE -> r.counters().bytesFromCacheServer();
      case CONNECTIONS -> r.counters().connections();
      case ACTIVE_MS -> r.counters().activeMillis();
      case PIECES_REJECTED -> r.counters().piecesRejected();
      case SOURCE_COUNTS -> r.counters().encodeByKind();
      case WRITTEN_PIECES -> boot == null ? null : r.writtenPieces();
      case WRITTEN_BOOT -> boot;
    };
  }

  /**
   * The file in the current row of a result of {@link Table#select}, read by a store of the boot
   * {@code boot} (null when unknown): its written pieces only when they were recorded in that boot.
   */
  static FileRow read(ResultSet rs, String boot) throws SQLException {
    return new FileRow(
        TABLE.get(rs, JOB_ID),
        TABLE.get(rs, IDX),
        TABLE.get(rs, REMOTE_URL),
        TABLE.get(rs, LOCAL_PATH),
        TABLE.get(rs, TEMP_PATH),
        TABLE.get(rs, RANGES),
        TABLE.get(rs, REMOTE_SIZE),
        TABLE.get(rs, ETAG),
        TABLE.get(rs, LAST_MODIFIED),
        TABLE.get(rs, PIECE_SIZE),
        TABLE.get(rs, PIECES),
        boot != null && boot.equals(TABLE.get(rs, WRITTEN_BOOT))
            ? TABLE.get(rs, WRITTEN_PIECES)
            : null,
        TABLE.get(rs, COMPLETED),
        TABLE.get(rs, RESPONSE_HEADERS),
        TABLE.get(rs, DELIVERY),
        TABLE.get(rs, SOURCE_COUNTS) != null
            ? SourceCounters.decode(
                TABLE.get(rs, SOURCE_COUNTS),
                TABLE.get(rs, ACTIVE_MS),
                TABLE.get(rs, PIECES_REJECTED))
            : new SourceCounters(
                TABLE.get(rs, BYTES_FROM_HTTP),
                TABLE.get(rs, BYTES_FROM_PEERS),
                TABLE.get(rs, BYTES_FROM_CACHE),
                TABLE.get(rs, CONNECTIONS),
                TABLE.get(rs, ACTIVE_MS),
                TABLE.get(rs, PIECES_REJECTED)));
  }
}
