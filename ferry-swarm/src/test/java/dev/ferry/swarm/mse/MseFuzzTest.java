package dev.ferry.swarm.mse;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Optional;
import java.util.Random;

/**
 * Fuzzes MSE's responder. {@code anyBytes}: whatever the initiator sends and however it is split,
 * the responder refuses it with an {@link MseException} (no other exception, no OutOfMemoryError)
 * or wants more, and never takes more than the spec's 628 bytes and its look-ahead without the hash
 * no one can guess. {@code handshake}: the tests' initiator, computing the keys, with every field
 * from the fuzzer (the offer, the pads and their lengths, the payload and its length, VC, a stream
 * key this node may lack, one byte flipped anywhere): the responder refuses exactly the handshakes
 * the spec and Ferry's bounds refuse, and otherwise agrees on the key, the method and the payload,
 * leaving the bytes after the handshake unread.
 *
 * <p>{@code ./mvnw verify} runs it over its seeds in {@code MseFuzzTestInputs/}; {@code
 * scripts/fuzz swarm} fuzzes it for a while.
 */
class MseFuzzTest {
  private static final byte[] SKEY = MseResponderTest.bytes(20, 1);
  private static final StreamKeys KEYS =
      req2 -> Arrays.equals(req2, MseHash.req2(SKEY)) ? Optional.of(SKEY) : Optional.empty();

  /** Ya, then the window in which HASH('req1', S) is looked for, with its look-ahead. */
  private static final int MOST_TAKEN_UNSYNCED = MseResponder.SYNC_BOUND + 36;

  @FuzzTest
  void anyBytes(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int chunk = 1 + (input[0] & 0xff);
    MseResponder b = new MseResponder(KEYS, new Random(input.length));
    int at = 1;
    try {
      while (at < input.length) {
        int wanted = b.wanted();
        assertThat(wanted).isPositive();
        int n = Math.min(Math.min(chunk, wanted), input.length - at);
        b.receive(input, at, n);
        at += n;
      }
    } catch (MseException refused) {
      // refused, as it should be
    }
    assertThat(b.done()).isFalse();
    assertThat(at - 1).isLessThanOrEqualTo(MOST_TAKEN_UNSYNCED);
  }

  @FuzzTest
  void handshake(FuzzedDataProvider data) {
    Random random = new Random(data.consumeLong());
    boolean knownKey = data.consumeProbabilityDouble() < 0.9;
    MseInitiator a = new MseInitiator(knownKey ? SKEY : MseResponderTest.bytes(20, 2), random);
    a.provide = data.consumeInt();
    a.padA = data.consumeInt(0, MseResponder.MAX_PAD + 20);
    a.padC = data.consumeInt(0, MseResponder.MAX_PAD + 20);
    a.badVc = data.consumeProbabilityDouble() < 0.05;
    if (data.consumeProbabilityDouble() < 0.1) {
      a.padCLengthField = data.consumeInt(0, 0xffff);
    }
    if (data.consumeProbabilityDouble() < 0.1) {
      a.initialPayloadLengthField = data.consumeInt(0, 0xffff);
    }
    int flip = data.consumeProbabilityDouble() < 0.2 ? data.consumeInt(0, 2000) : -1;
    byte flipBits = (byte) (data.consumeByte() | 1);
    int chunk = data.consumeInt(1, 700);
    a.initialPayload = data.consumeBytes(data.consumeInt(0, 2 * 1024));
    byte[] after = data.consumeRemainingAsBytes();
    int padCSent = a.padCLengthField >= 0 ? a.padCLengthField : a.padC;
    int payloadSent =
        a.initialPayloadLengthField >= 0 ? a.initialPayloadLengthField : a.initialPayload.length;

    MseResponder b = new MseResponder(KEYS, random);
    boolean lied = padCSent != a.padC || payloadSent != a.initialPayload.length;
    boolean flipped = false;
    try {
      byte[] yb = feed(b, a.hello(), chunk, null);
      byte[] step3 = a.answer(Arrays.copyOf(yb, DhKeys.SIZE));
      flipped = flip >= 0 && flip < step3.length;
      if (flipped) {
        step3[flip] ^= flipBits;
      }
      int[] left = new int[1];
      byte[] last = feed(b, MseResponderTest.concat(step3, after), chunk, left);
      if (!b.done()) {
        // Out of input: only a lie about a length (or a flipped byte) makes it wait for more.
        assertThat(flipped || lied).as("waits for more").isTrue();
        return;
      }
      Negotiated n = b.negotiated();
      assertThat(n.streamKey()).isEqualTo(SKEY);
      if (!flipped && !lied) {
        assertThat(valid(a, knownKey)).as("accepted").isTrue();
        assertThat(n.method()).isEqualTo(CryptoMethod.select(a.provide));
        assertThat(a.selected(last)).isEqualTo(n.method());
        assertThat(n.input(java.io.InputStream.nullInputStream()).readAllBytes())
            .isEqualTo(a.initialPayload);
        assertThat(left[0]).isEqualTo(after.length);
      }
    } catch (MseException refused) {
      if (!flipped && !lied) {
        assertThat(valid(a, knownKey)).as("refused: %s", refused.getMessage()).isFalse();
      }
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  /** Whether the spec and Ferry's bounds accept what {@code a} sends truthfully. */
  private static boolean valid(MseInitiator a, boolean knownKey) {
    return knownKey
        && !a.badVc
        && CryptoMethod.select(a.provide) != null
        && a.padA <= MseResponder.MAX_PAD
        && a.padC <= MseResponder.MAX_PAD
        && a.initialPayload.length <= MseResponder.MAX_INITIAL_PAYLOAD;
  }

  /** Feeds what the responder wants, {@code chunk} at most at a time; gives its answers. */
  private static byte[] feed(MseResponder b, byte[] bytes, int chunk, int[] left)
      throws MseException {
    ByteArrayOutputStream replies = new ByteArrayOutputStream();
    int at = 0;
    while (at < bytes.length && b.wanted() > 0) {
      int n = Math.min(Math.min(chunk, b.wanted()), bytes.length - at);
      replies.writeBytes(b.receive(bytes, at, n));
      at += n;
    }
    if (left != null) {
      left[0] = bytes.length - at;
    }
    return replies.toByteArray();
  }
}
