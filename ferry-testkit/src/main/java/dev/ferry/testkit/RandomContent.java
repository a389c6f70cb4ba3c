package dev.ferry.testkit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Content whose 8-byte word {@code i} is a SplitMix64 hash of {@code (seed, i)}. Hashing the index
 * instead of running a generator is what makes random access O(1) and keeps memory constant.
 */
record RandomContent(long size, long seed) implements Content {
  private static final long GOLDEN_GAMMA = 0x9E3779B97F4A7C15L;

  // Writing whole words through a view handle is what makes generation run at several GB/s.
  private static final VarHandle WORDS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  RandomContent {
    if (size < 0) {
      throw new IllegalArgumentException("negative size " + size);
    }
  }

  @Override
  public void read(long offset, byte[] buf, int off, int len) {
    Objects.checkFromIndexSize(off, len, buf.length);
    Objects.checkFromIndexSize(offset, len, size);
    long base = mix(seed);
    long pos = offset;
    int i = off;
    int end = off + len;
    while (i < end && (pos & 7) != 0) {
      buf[i++] = byteAt(base, pos++);
    }
    for (; end - i >= Long.BYTES; i += Long.BYTES, pos += Long.BYTES) {
      WORDS.set(buf, i, word(base, pos >>> 3));
    }
    while (i < end) {
      buf[i++] = byteAt(base, pos++);
    }
  }

  private static byte byteAt(long base, long pos) {
    return (byte) (word(base, pos >>> 3) >>> ((pos & 7) << 3));
  }

  private static long word(long base, long index) {
    return mix(base + (index + 1) * GOLDEN_GAMMA);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }

  @Override
  public String toString() {
    return "Content.random(" + size + ", " + seed + ")";
  }
}
