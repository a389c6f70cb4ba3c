package dev.ferry.rest;

import dev.ferry.api.HResult;

/** The success code of Complete or Cancel (S_OK, BG_S_PARTIAL_COMPLETE, …). */
public record Result(int hresult, String name) {
  public static Result of(HResult code) {
    return new Result(code.value(), code.name());
  }

  public HResult toHResult() {
    return HResult.of(hresult).orElse(HResult.S_OK);
  }
}
