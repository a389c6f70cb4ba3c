package dev.ferry.engine.store;

import dev.ferry.engine.transfer.SourceCounters;
import java.util.UUID;

/**
 * A job's file as persisted, with its transfer checkpoint: the remote size and validators seen, the
 * bitmap of pieces whose bytes were flushed to disk before the checkpoint was written ({@code
 * pieces}), and that of the pieces written by then ({@code writtenPieces}). The store returns the
 * second only in the boot of the machine that wrote it ({@link BootId}), and null otherwise. {@code
 * delivery} holds the DO settings as JSON, or null; {@code counters}, where the bytes came from.
 */
public record FileRow(
    UUID jobId,
    int index,
    String remoteUrl,
    String localPath,
    String tempPath,
    String ranges,
    long remoteSize,
    String etag,
    String lastModified,
    int pieceSize,
    byte[] pieces,
    byte[] writtenPieces,
    boolean completed,
    String responseHeaders,
    String delivery,
    SourceCounters counters) {

  /** This file further on: its flushed and written pieces and its counters replaced. */
  public FileRow withProgress(byte[] pieces, byte[] writtenPieces, SourceCounters counters) {
    return new FileRow(
        jobId,
        index,
        remoteUrl,
        localPath,
        tempPath,
        ranges,
        remoteSize,
        etag,
        lastModified,
        pieceSize,
        pieces,
        writtenPieces,
        completed,
        responseHeaders,
        delivery,
        counters);
  }
}
