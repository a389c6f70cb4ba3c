package dev.ferry.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.Map;

/**
 * DO methods report DO_E_ codes where the shared engine speaks BITS ({@code
 * docs/bits-semantics.md#do-error-codes}).
 */
final class DoErrors {
  private DoErrors() {}

  private static final Map<Integer, HResult> BITS_TO_DO =
      Map.of(
          HResult.BG_E_INVALID_STATE.value(), HResult.DO_E_INVALID_STATE,
          HResult.BG_E_NOT_FOUND.value(), HResult.DO_E_JOB_NOT_FOUND,
          HResult.BG_E_INVALID_RANGE.value(), HResult.DO_E_INVALID_RANGE,
          HResult.BG_E_OVERLAPPING_RANGES.value(), HResult.DO_E_OVERLAPPING_RANGES,
          HResult.BG_E_EMPTY.value(), HResult.DO_E_JOB_EMPTY,
          HResult.BG_E_ERROR_INFORMATION_UNAVAILABLE.value(),
              HResult.DO_E_ERROR_INFORMATION_UNAVAILABLE,
          HResult.BG_E_FILE_NOT_AVAILABLE.value(), HResult.DO_E_FILE_NOT_AVAILABLE);

  static FerryException translate(FerryException e) {
    HResult code = BITS_TO_DO.get(e.hresult());
    return code == null ? e : new FerryException(code.value(), e.getMessage(), e);
  }

  static FerryException invalidState(String what) {
    return new FerryException(HResult.DO_E_INVALID_STATE, what);
  }

  /** Runs a DO operation, reporting engine failures with DO's codes. */
  static <T> T run(java.util.function.Supplier<T> operation) {
    try {
      return operation.get();
    } catch (FerryException e) {
      throw translate(e);
    }
  }

  static void run(Runnable operation) {
    try {
      operation.run();
    } catch (FerryException e) {
      throw translate(e);
    }
  }
}
