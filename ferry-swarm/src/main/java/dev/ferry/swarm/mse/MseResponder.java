package dev.ferry.swarm.mse;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * MSE's handshake from the side that accepted the connection (B), as a state machine that is fed
 * the initiator's bytes as they come and answers with what to send back:
 *
 * <pre>
 * A to B: Ya, PadA
 * B to A: Yb, PadB
 * A to B: HASH('req1', S), HASH('req2', SKEY) xor HASH('req3', S),
 *         ENCRYPT(VC, crypto_provide, len(PadC), PadC, len(IA)), ENCRYPT(IA)
 * B to A: ENCRYPT(VC, crypto_select, len(PadD), PadD)
 * </pre>
 *
 * <p>It never takes a byte beyond the handshake ({@link #wanted}), so that what follows stays in
 * the socket for the BitTorrent handshake's reader. Everything is bounded before it is allocated:
 * the pads by the spec's 512 bytes, the initial payload by {@link #MAX_INITIAL_PAYLOAD} (and only
 * once the initiator has shown it knows a torrent this node serves); the only buffer before that is
 * the 568 bytes of the synchronisation window.
 */
public final class MseResponder {
  /** The spec's bound on every pad. */
  public static final int MAX_PAD = 512;

  /** The spec's bound: HASH('req1', S) ends within Ya, PadA and itself, 628 bytes. */
  public static final int SYNC_BOUND = DhKeys.SIZE + MAX_PAD + MseHash.SIZE;

  /**
   * IA is the BitTorrent handshake, perhaps with its first messages; 16 KiB holds that and a
   * bitfield of 100,000 pieces, and is allocated only for a peer that knew the stream key.
   */
  public static final int MAX_INITIAL_PAYLOAD = 16 * 1024;

  private static final int VC = 8;

  /**
   * What follows HASH('req1', S) in every valid handshake (the stream key's hash, VC,
   * crypto_provide, len(PadC), len(IA)): bytes that may be read while looking for the hash without
   * reading past the handshake.
   */
  private static final int AFTER_SYNC = MseHash.SIZE + VC + 4 + 2 + 2;

  private static final int WINDOW = MAX_PAD + MseHash.SIZE + AFTER_SYNC;

  private enum State {
    PUBLIC_KEY,
    SYNC,
    STREAM_KEY,
    CRYPTO_PROVIDE,
    PAD_C,
    INITIAL_PAYLOAD,
    DONE
  }

  private final StreamKeys keys;
  private final RandomGenerator random;
  private final DhKeys dh;
  private final ByteArrayOutputStream reply = new ByteArrayOutputStream();

  private State state = State.PUBLIC_KEY;
  private byte[] buffer = new byte[WINDOW];
  private int have;
  private int need = DhKeys.SIZE;
  private int searchFrom;

  private byte[] secret;
  private byte[] req1;
  private byte[] req3;
  private byte[] skey;
  private Rc4 decrypt;
  private Rc4 encrypt;
  private CryptoMethod selected;
  private byte[] initialPayload;

  /** {@code random} gives the private key and the pad: a SecureRandom outside tests. */
  public MseResponder(StreamKeys keys, RandomGenerator random) {
    this.keys = keys;
    this.random = random;
    this.dh = DhKeys.generate(random);
  }

  /**
   * How many bytes {@link #receive} may be given now: never more than the handshake has left, so
   * that the bytes after it are not taken. 0 once done.
   */
  public int wanted() {
    return switch (state) {
      case DONE -> 0;
      // The hash cannot end before searchFrom + 20, and AFTER_SYNC bytes follow it for sure.
      case SYNC -> Math.min(searchFrom + MseHash.SIZE + AFTER_SYNC, WINDOW) - have;
      default -> need - have;
    };
  }

  public boolean done() {
    return state == State.DONE;
  }

  /**
   * Takes the initiator's next bytes (at most {@link #wanted}) and gives what to send it, perhaps
   * nothing; refuses the handshake with an {@link MseException}, after which this responder is not
   * to be used.
   */
  public byte[] receive(byte[] bytes, int offset, int length) throws MseException {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    if (length > wanted()) {
      throw new IllegalArgumentException(length + " bytes, more than the " + wanted() + " wanted");
    }
    reply.reset();
    System.arraycopy(bytes, offset, buffer, have, length);
    have += length;
    while (state != State.DONE) {
      if (state == State.SYNC) {
        if (!sync()) {
          break;
        }
      } else if (have >= need) {
        step();
      } else {
        break;
      }
    }
    return reply.toByteArray();
  }

  /** Once {@link #done}: the stream key found and what follows the handshake. */
  public Negotiated negotiated() {
    if (state != State.DONE) {
      throw new IllegalStateException("the handshake is not done");
    }
    return new Negotiated(skey, selected, initialPayload, decrypt, encrypt);
  }

  /**
   * In SYNC: whether HASH('req1', S) is now in the window (after at most 512 bytes of PadA); if so,
   * moves what follows it to the front.
   */
  private boolean sync() throws MseException {
    for (int at = searchFrom; at + MseHash.SIZE <= have && at <= MAX_PAD; at++) {
      if (Arrays.equals(buffer, at, at + MseHash.SIZE, req1, 0, MseHash.SIZE)) {
        consume(at + MseHash.SIZE);
        state = State.STREAM_KEY;
        need = MseHash.SIZE;
        return true;
      }
    }
    searchFrom = Math.max(0, have - MseHash.SIZE + 1);
    if (have >= MAX_PAD + MseHash.SIZE) {
      throw new MseException("no HASH('req1', S) within " + SYNC_BOUND + " bytes");
    }
    return false;
  }

  /** Runs the state whose {@code need} bytes are at the buffer's front. */
  private void step() throws MseException {
    switch (state) {
      case PUBLIC_KEY -> publicKey();
      case STREAM_KEY -> streamKey();
      case CRYPTO_PROVIDE -> cryptoProvide();
      case PAD_C -> padC();
      case INITIAL_PAYLOAD -> initialPayload();
      case SYNC, DONE -> throw new IllegalStateException(state.name());
    }
  }

  private void publicKey() throws MseException {
    secret = dh.secret(Arrays.copyOf(buffer, DhKeys.SIZE));
    req1 = MseHash.of("req1", secret);
    req3 = MseHash.of("req3", secret);
    consume(DhKeys.SIZE);
    reply.writeBytes(dh.publicKey());
    byte[] pad = new byte[random.nextInt(MAX_PAD + 1)];
    random.nextBytes(pad);
    reply.writeBytes(pad);
    state = State.SYNC;
    searchFrom = 0;
  }

  private void streamKey() throws MseException {
    byte[] req2 = Arrays.copyOf(buffer, MseHash.SIZE);
    for (int i = 0; i < req2.length; i++) {
      req2[i] ^= req3[i];
    }
    skey = keys.find(req2).orElseThrow(() -> new MseException("a stream key this node lacks"));
    consume(MseHash.SIZE);
    decrypt = Rc4.initiatorToResponder(secret, skey);
    encrypt = Rc4.responderToInitiator(secret, skey);
    state = State.CRYPTO_PROVIDE;
    need = VC + 4 + 2;
  }

  private void cryptoProvide() throws MseException {
    decrypt.apply(buffer, 0, need);
    for (int i = 0; i < VC; i++) {
      if (buffer[i] != 0) {
        throw new MseException("a verification constant that is not zero: a wrong stream key");
      }
    }
    int provided = intAt(VC);
    selected = CryptoMethod.select(provided);
    if (selected == null) {
      throw new MseException(
          "crypto_provide " + Integer.toHexString(provided) + " offers nothing known");
    }
    int pad = unsignedShortAt(VC + 4);
    if (pad > MAX_PAD) {
      throw new MseException("PadC of " + pad + " bytes, over " + MAX_PAD);
    }
    consume(need);
    state = State.PAD_C;
    need = pad + 2;
  }

  private void padC() throws MseException {
    decrypt.apply(buffer, 0, need);
    int length = unsignedShortAt(need - 2);
    if (length > MAX_INITIAL_PAYLOAD) {
      throw new MseException(
          "an initial payload of " + length + " bytes, over " + MAX_INITIAL_PAYLOAD);
    }
    consume(need);
    if (length > buffer.length) {
      buffer = Arrays.copyOf(buffer, length);
    }
    state = State.INITIAL_PAYLOAD;
    need = length;
  }

  private void initialPayload() {
    decrypt.apply(buffer, 0, need);
    initialPayload = Arrays.copyOf(buffer, need);
    consume(need);
    byte[] answer = new byte[VC + 4 + 2];
    answer[VC + 3] = (byte) selected.bit();
    // len(PadD) 0: the spec reserves PadD for extensions, and today's clients send none.
    encrypt.apply(answer, 0, answer.length);
    reply.writeBytes(answer);
    state = State.DONE;
    need = 0;
    buffer = new byte[0];
  }

  /** Drops the buffer's first {@code count} bytes. */
  private void consume(int count) {
    System.arraycopy(buffer, count, buffer, 0, have - count);
    have -= count;
  }

  private int intAt(int at) {
    return (buffer[at] & 0xff) << 24
        | (buffer[at + 1] & 0xff) << 16
        | (buffer[at + 2] & 0xff) << 8
        | (buffer[at + 3] & 0xff);
  }

  private int unsignedShortAt(int at) {
    return (buffer[at] & 0xff) << 8 | (buffer[at + 1] & 0xff);
  }
}
