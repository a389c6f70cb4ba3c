package dev.ferry.swarm.bencode;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the decoder: whatever the input, it either fails with a {@link BencodeException} (no other
 * exception, no OutOfMemoryError, no StackOverflowError) or gives a value that encodes back to
 * exactly the input (canonical mode), or to a canonical form that decodes to the same value.
 *
 * <p>{@code ./mvnw verify} runs each target over its seeds in {@code BencodeFuzzTestInputs/};
 * {@code scripts/fuzz swarm} fuzzes them for a while.
 */
class BencodeFuzzTest {
  /** Small bounds, so the fuzzer reaches them with short inputs. */
  private static final Bdecoder.Limits LIMITS = new Bdecoder.Limits(16, 4096);

  @FuzzTest
  void canonical(byte[] input) {
    BValue value;
    try {
      value = Bdecoder.decode(input, true, LIMITS);
    } catch (BencodeException refused) {
      return;
    }
    assertThat(Bencoder.encode(value)).isEqualTo(input);
  }

  @FuzzTest
  void lenient(byte[] input) {
    BValue value;
    try {
      value = Bdecoder.decode(input, false, LIMITS);
    } catch (BencodeException refused) {
      return;
    }
    assertThat(Bdecoder.decode(Bencoder.encode(value), true, LIMITS)).isEqualTo(value);
  }
}
