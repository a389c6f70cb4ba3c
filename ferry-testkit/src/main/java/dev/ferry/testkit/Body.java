package dev.ferry.testkit;

/** The bytes {@code [offset, offset + length)} of {@code content} that form a response body. */
record Body(Content content, long offset, long length) {

  static final Body EMPTY = new Body(Content.of(new byte[0]), 0, 0);

  static Body of(byte[] bytes) {
    return new Body(Content.of(bytes), 0, bytes.length);
  }
}
