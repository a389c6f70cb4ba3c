package dev.ferry.swarm.mse;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * MSE's initiator (A), written from the spec for the tests: what libtorrent sends when it opens a
 * connection, with knobs to break it. In memory ({@link #hello}, {@link #answer}, {@link
 * #selected}) or over a socket's streams ({@link #connect}).
 */
public final class MseInitiator {
  private final byte[] skey;
  private final RandomGenerator random;
  private final DhKeys dh;

  /** crypto_provide's bits. */
  public int provide = 0x03;

  public int padA;
  public int padC;
  public byte[] initialPayload = new byte[0];

  /** A nonzero byte in VC (as a wrong key's decryption would give). */
  public boolean badVc;

  /** len(PadC) as sent, when not -1 (a lie about the pad). */
  public int padCLengthField = -1;

  /** len(IA) as sent, when not -1. */
  public int initialPayloadLengthField = -1;

  private Rc4 encrypt;
  private Rc4 decrypt;

  public MseInitiator(byte[] skey, RandomGenerator random) {
    this.skey = skey.clone();
    this.random = random;
    this.dh = DhKeys.generate(random);
  }

  /** Step 1: Ya, PadA. */
  public byte[] hello() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(dh.publicKey());
    out.writeBytes(randomBytes(padA));
    return out.toByteArray();
  }

  /** Step 3, from the responder's Yb. */
  public byte[] answer(byte[] yb) throws MseException {
    byte[] secret = dh.secret(yb);
    encrypt = Rc4.initiatorToResponder(secret, skey);
    decrypt = Rc4.responderToInitiator(secret, skey);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(MseHash.of("req1", secret));
    byte[] req2 = MseHash.req2(skey);
    byte[] req3 = MseHash.of("req3", secret);
    for (int i = 0; i < req2.length; i++) {
      req2[i] ^= req3[i];
    }
    out.writeBytes(req2);
    int iaLength = initialPayload.length;
    ByteBuffer plain = ByteBuffer.allocate(8 + 4 + 2 + padC + 2 + iaLength);
    plain.put(new byte[8]);
    if (badVc) {
      plain.put(3, (byte) 1);
    }
    plain.putInt(provide);
    plain.putShort((short) (padCLengthField >= 0 ? padCLengthField : padC));
    plain.put(new byte[padC]);
    plain.putShort((short) (initialPayloadLengthField >= 0 ? initialPayloadLengthField : iaLength));
    plain.put(initialPayload);
    byte[] encrypted = plain.array();
    encrypt.apply(encrypted, 0, encrypted.length);
    out.writeBytes(encrypted);
    return out.toByteArray();
  }

  /**
   * Step 4, in memory: the responder's last answer, ENCRYPT(VC, crypto_select, len(PadD), PadD);
   * the method it selected.
   */
  public CryptoMethod selected(byte[] answer) {
    byte[] plain = answer.clone();
    decrypt.apply(plain, 0, plain.length);
    ByteBuffer in = ByteBuffer.wrap(plain);
    byte[] vc = new byte[8];
    in.get(vc);
    if (!Arrays.equals(vc, new byte[8])) {
      throw new AssertionError("the responder's VC decrypts to " + Arrays.toString(vc));
    }
    int select = in.getInt();
    int padD = Short.toUnsignedInt(in.getShort());
    if (padD != in.remaining()) {
      throw new AssertionError("PadD of " + padD + " bytes, " + in.remaining() + " sent");
    }
    return methodOf(select);
  }

  /** Encrypts what this initiator sends after the handshake, when RC4 was selected. */
  public byte[] encryptLater(byte[] bytes) {
    byte[] out = bytes.clone();
    encrypt.apply(out, 0, out.length);
    return out;
  }

  /** Decrypts what the responder sends after the handshake, when RC4 was selected. */
  public byte[] decryptLater(byte[] bytes) {
    byte[] out = bytes.clone();
    decrypt.apply(out, 0, out.length);
    return out;
  }

  /** The streams of a connection this initiator opened: what the responder selected. */
  public record Connected(CryptoMethod method, InputStream in, OutputStream out) {}

  /**
   * Runs the whole handshake over a socket's streams, as libtorrent does: finds the responder's
   * answer by its encrypted VC after Yb and PadB.
   */
  public Connected connect(InputStream in, OutputStream out) throws IOException {
    out.write(hello());
    out.flush();
    byte[] yb = in.readNBytes(DhKeys.SIZE);
    if (yb.length < DhKeys.SIZE) {
      throw new EOFException("no Yb");
    }
    out.write(answer(yb));
    out.flush();
    byte[] vc = new byte[8];
    decrypt.apply(vc, 0, vc.length);
    byte[] window = new byte[MseResponder.MAX_PAD + vc.length];
    int have = 0;
    while (have < vc.length || !Arrays.equals(window, have - 8, have, vc, 0, 8)) {
      if (have == window.length) {
        throw new IOException("no VC within PadB's bound");
      }
      int b = in.read();
      if (b < 0) {
        throw new EOFException("closed before the responder's VC");
      }
      window[have++] = (byte) b;
    }
    byte[] rest = in.readNBytes(6);
    decrypt.apply(rest, 0, rest.length);
    ByteBuffer fields = ByteBuffer.wrap(rest);
    CryptoMethod method = methodOf(fields.getInt());
    byte[] padD = in.readNBytes(Short.toUnsignedInt(fields.getShort()));
    decrypt.apply(padD, 0, padD.length);
    if (method == CryptoMethod.RC4) {
      return new Connected(
          method, new Rc4InputStream(in, decrypt), new Rc4OutputStream(out, encrypt));
    }
    return new Connected(method, in, out);
  }

  private static CryptoMethod methodOf(int select) {
    for (CryptoMethod m : CryptoMethod.values()) {
      if (m.bit() == select) {
        return m;
      }
    }
    throw new AssertionError("crypto_select " + select);
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }
}
