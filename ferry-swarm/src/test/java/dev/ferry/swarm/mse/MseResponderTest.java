package dev.ferry.swarm.mse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The responder against the tests' own initiator, in memory: what it selects, the initial payload
 * and the streams after the handshake, and what it refuses; it never takes a byte past the
 * handshake.
 */
class MseResponderTest {
  private static final byte[] SKEY = bytes(20, 1);
  private static final StreamKeys KEYS =
      req2 -> Arrays.equals(req2, MseHash.req2(SKEY)) ? Optional.of(SKEY) : Optional.empty();

  private final Random random = new Random(42);

  @Test
  void selectsPlaintextWhenOfferedAndHandsOnTheInitialPayload() throws IOException {
    MseInitiator a = new MseInitiator(SKEY, random);
    a.provide = 0x03;
    a.padA = 100;
    a.padC = 7;
    a.initialPayload = bytes(68, 2);

    Exchange done = exchange(a, new MseResponder(KEYS, random), new byte[0]);

    assertThat(a.selected(done.lastReply)).isEqualTo(CryptoMethod.PLAINTEXT);
    Negotiated n = done.responder.negotiated();
    assertThat(n.method()).isEqualTo(CryptoMethod.PLAINTEXT);
    assertThat(n.streamKey()).isEqualTo(SKEY);
    InputStream in = n.input(new ByteArrayInputStream(bytes(10, 3)));
    assertThat(in.readAllBytes()).isEqualTo(concat(bytes(68, 2), bytes(10, 3)));
    OutputStream socket = new ByteArrayOutputStream();
    assertThat(n.output(socket)).isSameAs(socket);
  }

  @Test
  void plaintextWithoutInitialPayloadLeavesTheSocketsOwnStreams() throws IOException {
    MseInitiator a = new MseInitiator(SKEY, random);

    Negotiated n = exchange(a, new MseResponder(KEYS, random), new byte[0]).responder.negotiated();

    InputStream socket = new ByteArrayInputStream(new byte[0]);
    assertThat(n.input(socket)).isSameAs(socket);
  }

  @Test
  void selectsRc4WhenItIsAllThatIsOfferedAndBothDirectionsGoThroughIt() throws IOException {
    MseInitiator a = new MseInitiator(SKEY, random);
    a.provide = 0x02;
    a.initialPayload = bytes(68, 4);

    Exchange done = exchange(a, new MseResponder(KEYS, random), new byte[0]);

    assertThat(a.selected(done.lastReply)).isEqualTo(CryptoMethod.RC4);
    Negotiated n = done.responder.negotiated();
    assertThat(n.method()).isEqualTo(CryptoMethod.RC4);
    byte[] later = bytes(40_000, 5);
    InputStream in = n.input(new ByteArrayInputStream(a.encryptLater(later)));
    assertThat(in.readAllBytes()).isEqualTo(concat(bytes(68, 4), later));
    ByteArrayOutputStream socket = new ByteArrayOutputStream();
    byte[] reply = bytes(50_000, 6);
    byte[] untouched = reply.clone();
    try (OutputStream out = n.output(socket)) {
      out.write(reply, 0, 20_000);
      out.write(reply[20_000]);
      out.write(reply, 20_001, reply.length - 20_001);
    }
    assertThat(reply).as("the caller's bytes").isEqualTo(untouched);
    assertThat(socket.toByteArray()).isNotEqualTo(reply);
    assertThat(a.decryptLater(socket.toByteArray())).isEqualTo(reply);
  }

  @Test
  void theLongestPadsAndAByteAtATimeStillSync() throws IOException {
    MseInitiator a = new MseInitiator(SKEY, random);
    a.padA = MseResponder.MAX_PAD;
    a.padC = MseResponder.MAX_PAD;
    a.initialPayload = bytes(300, 7);

    Exchange done = exchange(a, new MseResponder(KEYS, random), new byte[0], 1);

    assertThat(a.selected(done.lastReply)).isEqualTo(CryptoMethod.PLAINTEXT);
    assertThat(done.responder.negotiated().input(InputStream.nullInputStream()).readAllBytes())
        .isEqualTo(bytes(300, 7));
  }

  @Test
  void takesNoBytePastTheHandshake() throws IOException {
    for (int padA : new int[] {0, 1, 19, 20, 37, 200, MseResponder.MAX_PAD}) {
      MseInitiator a = new MseInitiator(SKEY, random);
      a.padA = padA;
      byte[] after = bytes(1000, 8);

      Exchange done = exchange(a, new MseResponder(KEYS, random), after);

      assertThat(done.left).as("PadA of %d", padA).isEqualTo(after.length);
    }
  }

  @Test
  void refusesAStreamKeyThisNodeLacks() {
    MseInitiator a = new MseInitiator(bytes(20, 9), random);

    assertThatThrownBy(() -> exchange(a, new MseResponder(KEYS, random), new byte[0]))
        .isInstanceOf(MseException.class)
        .hasMessageContaining("stream key");
  }

  @Test
  void refusesABadVerificationConstant() {
    MseInitiator a = new MseInitiator(SKEY, random);
    a.badVc = true;

    assertThatThrownBy(() -> exchange(a, new MseResponder(KEYS, random), new byte[0]))
        .isInstanceOf(MseException.class)
        .hasMessageContaining("verification constant");
  }

  @Test
  void refusesAnOfferOfNothingKnown() {
    MseInitiator a = new MseInitiator(SKEY, random);
    a.provide = 0x04;

    assertThatThrownBy(() -> exchange(a, new MseResponder(KEYS, random), new byte[0]))
        .isInstanceOf(MseException.class)
        .hasMessageContaining("crypto_provide");
  }

  @Test
  void refusesPadsAndPayloadsOverTheirBounds() {
    MseInitiator longPad = new MseInitiator(SKEY, random);
    longPad.padCLengthField = MseResponder.MAX_PAD + 1;
    assertThatThrownBy(() -> exchange(longPad, new MseResponder(KEYS, random), new byte[600]))
        .isInstanceOf(MseException.class)
        .hasMessageContaining("PadC");

    MseInitiator longPayload = new MseInitiator(SKEY, random);
    longPayload.initialPayloadLengthField = MseResponder.MAX_INITIAL_PAYLOAD + 1;
    assertThatThrownBy(() -> exchange(longPayload, new MseResponder(KEYS, random), new byte[0]))
        .isInstanceOf(MseException.class)
        .hasMessageContaining("initial payload");
  }

  @Test
  void refusesAPadABeyondTheSyncBound() throws MseException {
    MseResponder b = new MseResponder(KEYS, random);
    MseInitiator a = new MseInitiator(SKEY, random);
    b.receive(a.hello(), 0, DhKeys.SIZE);
    // Anything but the hash: the responder gives up once 628 bytes passed without it.
    byte[] junk = bytes(4096, 10);
    int taken = 0;
    try {
      while (true) {
        int n = b.wanted();
        assertThat(n).isPositive();
        b.receive(junk, taken, n);
        taken += n;
      }
    } catch (MseException e) {
      assertThat(e).hasMessageContaining("628");
    }
    assertThat(DhKeys.SIZE + taken).isLessThanOrEqualTo(MseResponder.SYNC_BOUND + 36);
  }

  @Test
  void refusesDegeneratePublicKeys() {
    BigInteger p = DhKeys.P;
    for (BigInteger y :
        new BigInteger[] {BigInteger.ZERO, BigInteger.ONE, p.subtract(BigInteger.ONE), p}) {
      byte[] key = new byte[DhKeys.SIZE];
      byte[] value = y.toByteArray();
      int length = Math.min(value.length, DhKeys.SIZE);
      System.arraycopy(value, value.length - length, key, DhKeys.SIZE - length, length);
      MseResponder b = new MseResponder(KEYS, random);
      assertThatThrownBy(() -> b.receive(key, 0, key.length))
          .as("Y = %s", y)
          .isInstanceOf(MseException.class);
    }
  }

  @Test
  void bothSidesComputeTheSameSecret() throws MseException {
    DhKeys a = DhKeys.generate(random);
    DhKeys b = DhKeys.generate(random);

    assertThat(a.secret(b.publicKey())).isEqualTo(b.secret(a.publicKey()));
    assertThat(a.publicKey()).hasSize(DhKeys.SIZE);
  }

  /** A finished handshake: the responder, its last reply and the bytes it left unread. */
  private record Exchange(MseResponder responder, byte[] lastReply, int left) {}

  private static Exchange exchange(MseInitiator a, MseResponder b, byte[] after)
      throws MseException {
    return exchange(a, b, after, Integer.MAX_VALUE);
  }

  /**
   * Runs the handshake, giving the responder at most {@code chunk} bytes at a time and never more
   * than it wants; {@code after} follows the initiator's step 3, as its first messages would.
   */
  private static Exchange exchange(MseInitiator a, MseResponder b, byte[] after, int chunk)
      throws MseException {
    byte[] yb = feed(b, a.hello(), chunk).reply;
    Fed last = feed(b, concat(a.answer(Arrays.copyOf(yb, DhKeys.SIZE)), after), chunk);
    assertThat(b.done()).isTrue();
    return new Exchange(b, last.reply, last.left);
  }

  private record Fed(byte[] reply, int left) {}

  private static Fed feed(MseResponder b, byte[] bytes, int chunk) throws MseException {
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    int at = 0;
    while (at < bytes.length && b.wanted() > 0) {
      int n = Math.min(Math.min(chunk, b.wanted()), bytes.length - at);
      replies.writeBytes(b.receive(bytes, at, n));
      at += n;
    }
    return new Fed(replies.toByteArray(), bytes.length - at);
  }

  static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  static byte[] concat(byte[] a, byte[] b) {
    byte[] both = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }
}
