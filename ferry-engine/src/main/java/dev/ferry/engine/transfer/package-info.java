/**
 * Transfers: filling one file's piece map from its source. {@link
 * dev.ferry.engine.transfer.FileTransfer} orchestrates the connections over the file's parts
 * ({@code Segments}); {@code ConnectionRamp} decides how many connections, {@code Fetcher} opens a
 * part, {@code ResponseCheck} checks the first answer, {@code CopyLoop} copies and decrypts bodies
 * into place, {@code PieceVerifier} checks pieces against their hashes, {@code Checkpointer}
 * flushes and records progress, {@code FileSink} is the local file and maps its failures, and
 * {@code FileStats} turns the transfer's events into the file's counters. Every failure is
 * classified into the documented HRESULT, context and transient-or-fatal class.
 */
package dev.ferry.engine.transfer;
