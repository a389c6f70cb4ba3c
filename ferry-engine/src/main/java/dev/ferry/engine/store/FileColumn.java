package dev.ferry.engine.store;

import static dev.ferry.engine.store.SqlType.BLOB;
import static dev.ferry.engine.store.SqlType.BOOLEAN;
import static dev.ferry.engine.store.SqlType.INT;
import static dev.ferry.engine.store.SqlType.LONG;
import static dev.ferry.engine.store.SqlType.TEXT;
import static dev.ferry.engine.store.SqlType.UUID_TEXT;
import static dev.ferry.engine.store.Table.bootColumn;
import static dev.ferry.engine.store.Table.column;
import static dev.ferry.engine.store.Table.key;

import dev.ferry.engine.transfer.SourceCounters;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The {@code files} table, a {@link FileRow} a row: each constant is the column of its name in
 * lower case, in the schema's order (see {@link Table}).
 */
enum FileColumn {
  JOB_ID(key(UUID_TEXT, FileRow::jobId)),
  IDX(key(INT, FileRow::index)),
  REMOTE_URL(column(TEXT, FileRow::remoteUrl)),
  LOCAL_PATH(column(TEXT, FileRow::localPath)),
  TEMP_PATH(column(TEXT, FileRow::tempPath)),
  RANGES(column(TEXT, FileRow::ranges)),
  REMOTE_SIZE(column(LONG, FileRow::remoteSize)),
  ETAG(column(TEXT, FileRow::etag)),
  LAST_MODIFIED(column(TEXT, FileRow::lastModified)),
  PIECE_SIZE(column(INT, FileRow::pieceSize)),
  PIECES(column(BLOB, FileRow::pieces)),
  COMPLETED(column(BOOLEAN, FileRow::completed)),
  RESPONSE_HEADERS(column(TEXT, FileRow::responseHeaders)),
  DELIVERY(column(TEXT, FileRow::delivery)),
  BYTES_FROM_HTTP(column(LONG, f -> f.counters().bytesFromHttp())),
  BYTES_FROM_PEERS(column(LONG, f -> f.counters().bytesFromPeers())),
  BYTES_FROM_CACHE(column(LONG, f -> f.counters().bytesFromCacheServer())),
  CONNECTIONS(column(INT, f -> f.counters().connections())),
  ACTIVE_MS(column(LONG, f -> f.counters().activeMillis())),
  PIECES_REJECTED(column(INT, f -> f.counters().piecesRejected())),
  /** Counts by kind of source ({@link SourceCounters#encodeByKind}); null in older rows. */
  SOURCE_COUNTS(column(TEXT, f -> f.counters().encodeByKind())),
  /**
   * The pieces written by the last checkpoint, trusted only in the boot that wrote them: where the
   * boot is unknown none are recorded.
   */
  WRITTEN_PIECES(bootColumn(BLOB, (f, boot) -> boot == null ? null : f.writtenPieces())),
  WRITTEN_BOOT(bootColumn(TEXT, (f, boot) -> boot));

  static final Table<FileRow, FileColumn> TABLE =
      Table.of("files", values(), column -> column.binding);

  private final Table.Binding<FileRow> binding;

  FileColumn(Table.Binding<FileRow> binding) {
    this.binding = binding;
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
