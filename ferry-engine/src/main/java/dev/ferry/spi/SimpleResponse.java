package dev.ferry.spi;

import java.io.IOException;
import java.io.InputStream;

/** See {@link SourceResponse#of}. */
record SimpleResponse(long start, long length, Validators validators, InputStream body)
    implements SourceResponse {
  @Override
  public String headerBlock() {
    return "";
  }

  @Override
  public void abort() {
    close();
  }

  @Override
  public void close() {
    try {
      body.close();
    } catch (IOException ignored) {
      // Nothing was written through it.
    }
  }
}
