package dev.ferry.swarm.mse;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/** MSE's HASH: SHA-1 of its arguments one after the other, each named by an ASCII tag. */
public final class MseHash {
  public static final int SIZE = 20;

  private MseHash() {}

  /** {@code HASH('req2', SKEY)}: how a stream key is looked up ({@link StreamKeys}). */
  public static byte[] req2(byte[] skey) {
    return of("req2", skey);
  }

  static byte[] of(String tag, byte[]... parts) {
    MessageDigest sha1;
    try {
      sha1 = MessageDigest.getInstance("SHA-1");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1", e);
    }
    sha1.update(tag.getBytes(StandardCharsets.US_ASCII));
    for (byte[] part : parts) {
      sha1.update(part);
    }
    return sha1.digest();
  }
}
