package dev.ferry.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Fuzzes the wire decoder: whatever the bytes and however they are split, decoding either ends in a
 * {@link WireException} (no other exception, no OutOfMemoryError) or gives messages that encode and
 * decode back to themselves; an extension handshake among them either parses or is refused with a
 * {@link WireException}. The first input byte says where the rest is split in two.
 *
 * <p>{@code ./mvnw verify} runs it over its seeds in {@code WireFuzzTestInputs/}; {@code
 * scripts/fuzz swarm} fuzzes it for a while.
 */
class WireFuzzTest {
  /** Small bounds, so the fuzzer reaches them with short inputs. */
  private static final WireLimits LIMITS = new WireLimits(64, 4, 256, 4);

  @FuzzTest
  void decode(byte[] input) {
    if (input.length == 0) {
      return;
    }
    int split = Math.min(input[0] & 0xff, input.length - 1);
    MessageDecoder decoder = new MessageDecoder(LIMITS);
    List<Message> messages = new ArrayList<>();
    try {
      messages.addAll(WireCodecTest.decodeAll(decoder, ByteBuffer.wrap(input, 1, split)));
      messages.addAll(
          WireCodecTest.decodeAll(
              decoder, ByteBuffer.wrap(input, 1 + split, input.length - 1 - split)));
    } catch (WireException refused) {
      // fall through: the messages before the refusal must still round-trip
    }
    ByteArrayOutputStream again = new ByteArrayOutputStream();
    for (Message message : messages) {
      again.writeBytes(MessageCodec.encode(message));
      if (message instanceof Message.Extended e && e.extendedId() == Message.Extended.HANDSHAKE) {
        try {
          ExtensionHandshake.decode(e.payload()).encode();
        } catch (WireException refused) {
          // not a dictionary: refused, as it should be
        }
      }
    }
    try {
      assertThat(
              WireCodecTest.decodeAll(
                  new MessageDecoder(LIMITS), ByteBuffer.wrap(again.toByteArray())))
          .isEqualTo(messages);
    } catch (WireException e) {
      throw new AssertionError("Ferry's own encoding refused: " + e.getMessage(), e);
    }
    try {
      Handshake.decode(ByteBuffer.wrap(input));
    } catch (WireException refused) {
      // another protocol
    }
  }
}
