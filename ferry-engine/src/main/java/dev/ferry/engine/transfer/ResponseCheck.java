package dev.ferry.engine.transfer;

import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.engine.piece.Layout;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;

/**
 * Checks the origin's answer to a file's first request of a run against what the file's state
 * knows: whether it says how large the file is, whether its version is the one the piece map was
 * made for (a new one starts the map over), whether the piece hashes describe a file of that size,
 * and whether it starts where it was asked to.
 */
final class ResponseCheck {
  private ResponseCheck() {}

  /** Copy the body of unknown size from the start (DYNAMIC_CONTENT). */
  static final long DYNAMIC = -1;

  /**
   * Checks {@code response}, starting the piece map over for a new version, and returns where its
   * body ends in the remote file, or {@link #DYNAMIC}.
   *
   * @throws TransferFailure when it cannot be used: the file's failure
   */
  static long check(
      FileState state,
      boolean dynamicContent,
      Source origin,
      SourceRequest request,
      SourceResponse response)
      throws TransferFailure {
    Validators seen = response.validators();
    long start = response.start();
    if (seen.size() < 0) {
      if (!dynamicContent) {
        throw invalid(
            HResult.BG_E_MISSING_FILE_SIZE,
            origin,
            "the server did not say how large the file is (no Content-Length); set DYNAMIC_CONTENT to download it anyway");
      }
      if (start != 0) {
        throw invalid(
            HResult.BG_E_INVALID_SERVER_RESPONSE, origin, "partial response without a size");
      }
      return DYNAMIC;
    }
    if (state.pieces() == null || !state.validators().sameContentAs(seen)) {
      if (!state.ranges().isEmpty() && !Layout.fits(state.ranges(), seen.size())) {
        throw invalid(
            HResult.BG_E_INVALID_RANGE,
            origin,
            "a requested range lies beyond the end of the " + seen.size() + "-byte remote file");
      }
      state.resetTo(seen);
    }
    PieceCheck check = state.check();
    if (check != null && check.fileSize() != seen.size()) {
      throw invalid(
          HResult.DO_E_HTTP_BLOCKSIZE_MISMATCH,
          origin,
          "the piece-hash file describes "
              + check.fileSize()
              + " bytes but the server has "
              + seen.size());
    }
    long length = response.length() >= 0 ? response.length() : seen.size() - start;
    if (start != request.start()) {
      // Only an answer that spans the whole file (a 200, or a 206 for all of it) may replace a
      // range: a partial body starting elsewhere would be written over bytes already in place.
      boolean sentWholeFile = start == 0 && request.wantsRange() && length == seen.size();
      if (!sentWholeFile) {
        throw invalid(
            HResult.BG_E_INVALID_SERVER_RESPONSE,
            origin,
            "asked for bytes from " + request.start() + " but the response starts at " + start);
      }
      if (!state.ranges().isEmpty()) {
        throw invalid(
            HResult.BG_E_INSUFFICIENT_RANGE_SUPPORT,
            origin,
            "the server ignores Range requests, so file ranges cannot be downloaded");
      }
    }
    return start + length;
  }

  /** Whether a response starts where it was asked to, for the version already known. */
  static boolean sameBytes(FileState state, SourceRequest request, SourceResponse response) {
    return response.start() == request.start()
        && state.validators().sameContentAs(response.validators());
  }

  private static TransferFailure invalid(HResult code, Source origin, String message) {
    return TransferFailure.fatal(code, ErrorContext.REMOTE_FILE, origin.protocol(), message);
  }
}
