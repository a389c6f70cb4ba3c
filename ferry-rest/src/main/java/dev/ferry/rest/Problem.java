package dev.ferry.rest;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;

/** The body of every failed request: the HRESULT, its symbolic name and a readable message. */
public record Problem(int hresult, String name, String message) {
  public static Problem of(FerryException e) {
    return new Problem(e.hresult(), e.hresultName(), e.getMessage());
  }

  public static Problem of(HResult code, String message) {
    return new Problem(code.value(), code.name(), message);
  }

  public FerryException toException() {
    return new FerryException(hresult, message);
  }
}
