/**
 * Transfers: filling one file's piece map from its sources. {@link
 * dev.ferry.engine.transfer.FileTransfer} orchestrates the connections over the file's parts
 * ({@code Segments}); {@link dev.ferry.engine.transfer.SourcePlanner} picks the source of each part
 * (providers' sources first, the origin last); {@code ConnectionRamp} decides how many connections,
 * {@code Fetcher} opens a part and routes its source's failures, {@code ResponseCheck} checks the
 * origin's first answer, {@code CopyLoop} copies and decrypts bodies into place, {@code
 * PieceVerifier} checks pieces against their hashes and blames sources, {@code Checkpointer}
 * flushes and records progress, {@code FileSink} is the local file and maps its failures, and
 * {@code FileStats} turns the transfer's events into the file's counters. Every failure is
 * classified into the documented HRESULT, context and transient-or-fatal class.
 */
package dev.ferry.engine.transfer;
