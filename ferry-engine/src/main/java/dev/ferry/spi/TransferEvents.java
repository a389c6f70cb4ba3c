package dev.ferry.spi;

/**
 * What happens while a file transfers, for statistics and metrics: one listener, every method a
 * no-op by default, so a listener overrides what it counts. Calls come in pairs where something has
 * a duration ({@link #transferStarted}/{@link #transferEnded}, {@link #sourceOpened}/{@link
 * #sourceClosed}, {@link #checkpointStarted}/{@link #checkpointEnded}), as OkHttp's EventListener
 * pairs its events, and counts arrive as they happen, as Caffeine's StatsCounter records them.
 *
 * <p>An engine has one listener, as an OkHttp call has one EventListener and a Caffeine cache one
 * StatsCounter: one that serves several (metrics and a log, say) tells them itself. Calls are made
 * on the transfer's threads, several at once for a file fetched over several connections, and
 * {@link #bytesReceived} once per read on the copy path: a listener must be quick, must not block,
 * should not allocate and must not throw. State changes of jobs are the job listener's, not these.
 */
public interface TransferEvents {
  /** Listens to nothing. */
  TransferEvents NONE = new TransferEvents() {};

  /** The file starts (or resumes) transferring. */
  default void transferStarted(FileRef file) {}

  /**
   * The file stopped transferring: it is transferred, stopped or failed.
   *
   * @param activeNanos how long it was transferring since {@link #transferStarted}
   */
  default void transferEnded(FileRef file, long activeNanos) {}

  /**
   * A source answered a request for bytes {@code [start, end)} of the file ({@code end} -1: to the
   * end); {@link #sourceClosed} follows when the response is done with.
   */
  default void sourceOpened(FileRef file, SourceKind kind, long start, long end) {}

  /**
   * A source failed: it could not open the bytes asked for (no {@link #sourceOpened} came before),
   * or its response broke off or was not what was asked for (before its {@link #sourceClosed}).
   */
  default void sourceFailed(FileRef file, SourceKind kind, TransferFailure failure) {}

  /** {@code bytes} arrived from a source of {@code kind}, wanted or not, verified or not. */
  default void bytesReceived(FileRef file, SourceKind kind, long bytes) {}

  /** A response {@link #sourceOpened} opened is closed. */
  default void sourceClosed(FileRef file, SourceKind kind) {}

  /** A piece matched its hash; called once for each source that sent some of its bytes. */
  default void pieceVerified(FileRef file, int piece, SourceKind kind) {}

  /**
   * A piece failed its hash and will be fetched again; called once for each source that sent some
   * of its bytes, with that source's kind: each is blamed. {@code piece} is -1 for one a source
   * threw away itself ({@link SourceResponse#piecesDiscarded}).
   */
  default void pieceRejected(FileRef file, int piece, SourceKind kind) {}

  /** A checkpoint begins flushing the file. */
  default void checkpointStarted(FileRef file) {}

  /**
   * The checkpoint ended: its pieces are on disk and recorded, or it failed.
   *
   * @param failure why it failed, or null
   */
  default void checkpointEnded(FileRef file, TransferFailure failure) {}
}
