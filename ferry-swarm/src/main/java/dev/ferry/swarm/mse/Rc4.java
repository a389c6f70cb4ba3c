package dev.ferry.swarm.mse;

import java.security.GeneralSecurityException;
import javax.crypto.Cipher;
import javax.crypto.ShortBufferException;
import javax.crypto.spec.SecretKeySpec;

/**
 * One direction's RC4 keystream as MSE keys it: {@code HASH('keyA', S, SKEY)} for what the
 * initiator sends, {@code HASH('keyB', S, SKEY)} for what the responder sends, the first 1024 bytes
 * of each discarded (RC4's first bytes leak its key). SunJCE's ARCFOUR does the work.
 */
public final class Rc4 {
  private static final int DISCARD = 1024;

  private final Cipher cipher;

  public Rc4(byte[] key) {
    try {
      cipher = Cipher.getInstance("ARCFOUR");
      cipher.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "ARCFOUR"));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SunJCE has ARCFOUR", e);
    }
    byte[] discard = new byte[DISCARD];
    apply(discard, 0, DISCARD);
  }

  /** The key of what the initiator sends (A to B). */
  public static Rc4 initiatorToResponder(byte[] secret, byte[] skey) {
    return new Rc4(MseHash.of("keyA", secret, skey));
  }

  /** The key of what the responder sends (B to A). */
  public static Rc4 responderToInitiator(byte[] secret, byte[] skey) {
    return new Rc4(MseHash.of("keyB", secret, skey));
  }

  /** Encrypts (or decrypts: the same) {@code length} bytes in place. */
  public void apply(byte[] bytes, int offset, int length) {
    apply(bytes, offset, length, bytes, offset);
  }

  /** Encrypts {@code length} bytes of {@code from} into {@code to}. */
  public void apply(byte[] from, int offset, int length, byte[] to, int toOffset) {
    if (length == 0) {
      return;
    }
    try {
      cipher.update(from, offset, length, to, toOffset);
    } catch (ShortBufferException e) {
      throw new IndexOutOfBoundsException(e.getMessage());
    }
  }
}
