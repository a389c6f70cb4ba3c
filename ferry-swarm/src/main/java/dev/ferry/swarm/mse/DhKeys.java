package dev.ferry.swarm.mse;

import java.math.BigInteger;
import java.util.HexFormat;
import java.util.random.RandomGenerator;

/**
 * One side's Diffie-Hellman keys over MSE's group: the 768-bit prime P of the spec (the Oakley
 * group 1 prime), generator 2, public keys and the shared secret S as 96 big-endian bytes.
 */
public final class DhKeys {
  /** Bytes of a public key and of the secret, left-padded with zeros. */
  public static final int SIZE = 96;

  static final BigInteger P =
      new BigInteger(
          "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B139B22514A0879"
              + "8E3404DDEF9519B3CD3A431B302B0A6DF25F14374FE1356D6D51C245E485B576625E7EC6F44C42E9A6"
              + "3A36210000000000090563",
          16);

  private static final BigInteger G = BigInteger.TWO;

  /**
   * The spec asks for at least 128 random bits; 160 as libtorrent and Vuze use: a 768-bit group
   * gives no more strength than that, and a short exponent keeps the two modPows cheap.
   */
  private static final int PRIVATE_BITS = 160;

  private final BigInteger privateKey;
  private final byte[] publicKey;

  private DhKeys(BigInteger privateKey) {
    this.privateKey = privateKey;
    this.publicKey = encode(G.modPow(privateKey, P));
  }

  /** New keys; {@code random} should be a SecureRandom outside tests. */
  public static DhKeys generate(RandomGenerator random) {
    byte[] bits = new byte[PRIVATE_BITS / 8];
    random.nextBytes(bits);
    BigInteger x = new BigInteger(1, bits);
    return new DhKeys(x.signum() == 0 ? BigInteger.ONE : x);
  }

  /** Our public key, Y = 2^X mod P. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /**
   * The shared secret S from the other side's public key; refuses a key outside 2..P-2, the values
   * that would make S known to anyone (0, 1, P-1 and what reduces to them).
   */
  public byte[] secret(byte[] theirs) throws MseException {
    if (theirs.length != SIZE) {
      throw new IllegalArgumentException("a public key has " + SIZE + " bytes");
    }
    BigInteger y = new BigInteger(1, theirs);
    if (y.compareTo(BigInteger.ONE) <= 0 || y.compareTo(P.subtract(BigInteger.ONE)) >= 0) {
      throw new MseException(
          "a degenerate Diffie-Hellman key: " + HexFormat.of().formatHex(theirs));
    }
    return encode(y.modPow(privateKey, P));
  }

  private static byte[] encode(BigInteger value) {
    byte[] bytes = value.toByteArray();
    byte[] out = new byte[SIZE];
    // toByteArray may add a sign byte (97 bytes) or give fewer than 96.
    int length = Math.min(bytes.length, SIZE);
    System.arraycopy(bytes, bytes.length - length, out, SIZE - length, length);
    return out;
  }
}
