package dev.ferry.swarm.bencode;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A bencoded byte string: bytes, not text (names are UTF-8 by convention only, and hashes are
 * binary). Ordered as raw unsigned bytes, which is how dictionary keys are sorted.
 */
public final class BString implements BValue, Comparable<BString> {
  private final byte[] bytes;

  private BString(byte[] bytes) {
    this.bytes = bytes;
  }

  public static BString of(byte[] bytes) {
    return new BString(bytes.clone());
  }

  /** The UTF-8 bytes of {@code text}. */
  public static BString of(String text) {
    return new BString(text.getBytes(StandardCharsets.UTF_8));
  }

  /** Takes the array without a copy: for the decoder, which made it and gives it away. */
  static BString wrap(byte[] bytes) {
    return new BString(bytes);
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  public int length() {
    return bytes.length;
  }

  /** The bytes read as UTF-8, malformed sequences replaced: for messages and display. */
  public String text() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  byte[] raw() {
    return bytes;
  }

  @Override
  public int compareTo(BString other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof BString that && Arrays.equals(bytes, that.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  /** Printable ASCII as text, anything else as hex: binary hashes stay readable in messages. */
  @Override
  public String toString() {
    for (byte b : bytes) {
      if (b < 0x20 || b > 0x7e) {
        return "0x" + HexFormat.of().formatHex(bytes);
      }
    }
    return '"' + text() + '"';
  }
}
