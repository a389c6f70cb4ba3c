package dev.ferry.engine.transfer;

import dev.ferry.api.FileRange;
import dev.ferry.engine.piece.Span;
import java.util.List;

/**
 * The benchmarks' way into {@link FileState}'s package-private transfer side. It lives in
 * ferry-bench under the engine's package name (the engine is on the class path, not a named
 * module), so the engine keeps its encapsulation and the benchmarks still call the very methods a
 * transfer calls.
 */
public final class BenchAccess {
  private BenchAccess() {}

  /** A file state as a transfer leaves it after the first response: size known, nothing done. */
  public static FileState started(List<FileRange> ranges, int pieceSize, long remoteSize) {
    FileState state = new FileState(ranges, pieceSize);
    state.resetTo(new Validators(remoteSize, "\"bench\"", null));
    return state;
  }

  /** {@link FileState#account(Span)}: the per-chunk bookkeeping of the copy loop. */
  public static long account(FileState state, Span part) {
    return state.account(part);
  }

  /** {@link FileState#firstGap()}: what the next request asks for. */
  public static Span firstGap(FileState state) {
    return state.firstGap();
  }
}
