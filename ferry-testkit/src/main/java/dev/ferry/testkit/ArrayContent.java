package dev.ferry.testkit;

import java.util.Objects;

/** Content held in memory; the array is owned by this instance and never exposed. */
final class ArrayContent implements Content {
  private final byte[] bytes;

  ArrayContent(byte[] bytes) {
    this.bytes = bytes;
  }

  @Override
  public long size() {
    return bytes.length;
  }

  @Override
  public void read(long offset, byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(offset, len, bytes.length);
    System.arraycopy(bytes, (int) offset, buf, off, len);
  }

  @Override
  public String toString() {
    return "Content.of(" + bytes.length + " bytes)";
  }
}
