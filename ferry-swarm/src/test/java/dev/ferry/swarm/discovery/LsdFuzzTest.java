package dev.ferry.swarm.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the announce reader as a receiving loop meets datagrams: whatever the bytes, reading
 * either ends in an {@link LsdException} (no other exception) or gives an announce that Ferry
 * writes and reads back to itself, within the size it promises.
 *
 * <p>{@code ./mvnw verify} runs it over its seeds in {@code LsdFuzzTestInputs/}; {@code
 * scripts/fuzz swarm} fuzzes it for a while.
 */
class LsdFuzzTest {
  @FuzzTest
  void decode(byte[] input) {
    LsdMessage message;
    try {
      message = LsdCodec.decode(input, 0, input.length);
    } catch (LsdException refused) {
      return;
    }
    assertThat(input.length).isLessThanOrEqualTo(LsdCodec.MAX_DATAGRAM);
    for (LsdGroup group : LsdGroup.values()) {
      byte[] again = LsdCodec.encode(message, group);
      assertThat(again.length).isLessThanOrEqualTo(LsdCodec.MAX_DATAGRAM);
      try {
        assertThat(LsdCodec.decode(again, 0, again.length)).isEqualTo(message);
      } catch (LsdException e) {
        throw new AssertionError("Ferry's own announce refused: " + e.getMessage(), e);
      }
    }
  }
}
