package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ContentTest {

  @Test
  void randomIsDeterministicPerSeed() {
    assertThat(Content.random(10_000, 42).bytes()).isEqualTo(Content.random(10_000, 42).bytes());
    assertThat(Content.random(10_000, 42).bytes()).isNotEqualTo(Content.random(10_000, 43).bytes());
  }

  @Test
  void randomOfDifferentSizesSharesItsPrefix() {
    byte[] longer = Content.random(1000, 7).bytes();
    assertThat(Content.random(333, 7).bytes()).isEqualTo(Arrays.copyOf(longer, 333));
  }

  @Test
  void randomSlicesAgreeWithTheWholeAtAnyAlignment() {
    Content content = Content.random(100_003, 9);
    byte[] whole = content.bytes();
    SplittableRandom picks = new SplittableRandom(1);
    for (int i = 0; i < 2_000; i++) {
      int offset = picks.nextInt(whole.length + 1);
      int length = picks.nextInt(Math.min(100, whole.length - offset) + 1);
      assertThat(content.slice(offset, length))
          .as("slice(%d, %d)", offset, length)
          .isEqualTo(Arrays.copyOfRange(whole, offset, offset + length));
    }
  }

  @Test
  void randomReadsIntoTheGivenPartOfTheBuffer() {
    Content content = Content.random(64, 3);
    byte[] buffer = new byte[20];
    content.read(5, buffer, 7, 10);
    assertThat(Arrays.copyOfRange(buffer, 7, 17)).isEqualTo(content.slice(5, 10));
    assertThat(Arrays.copyOfRange(buffer, 0, 7)).containsOnly(0);
    assertThat(Arrays.copyOfRange(buffer, 17, 20)).containsOnly(0);
  }

  @Test
  void randomLooksRandom() {
    byte[] bytes = Content.random(1 << 20, 5).bytes();
    int[] counts = new int[256];
    for (byte b : bytes) {
      counts[b & 0xff]++;
    }
    // Each value is expected 4096 times; a broken mixer lands far outside this band.
    assertThat(Arrays.stream(counts).min().orElseThrow()).isGreaterThan(3500);
    assertThat(Arrays.stream(counts).max().orElseThrow()).isLessThan(4700);
  }

  @Test
  void randomServesOffsetsBeyondFourGibibytes() {
    long size = (5L << 30) + 3;
    Content content = Content.random(size, 11);
    byte[] tail = content.slice(size - 10, 10);
    assertThat(tail).isNotEqualTo(new byte[10]);
    assertThat(content.slice(size - 7, 7)).isEqualTo(Arrays.copyOfRange(tail, 3, 10));
  }

  @Test
  void sha256MatchesMessageDigestOverBytes() throws Exception {
    for (Content content :
        new Content[] {
          Content.random(0, 1),
          Content.random(1, 1),
          Content.random(65_535, 2),
          Content.random(3 * 65_536 + 17, 3),
          Content.of("hello".getBytes())
        }) {
      String expected =
          HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content.bytes()));
      assertThat(content.sha256()).as("%s", content).isEqualTo(expected);
    }
  }

  @Test
  void sha256OfEmptyContentIsTheWellKnownOne() {
    assertThat(Content.of(new byte[0]).sha256())
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @Test
  void ofCopiesTheArray() {
    byte[] bytes = {1, 2, 3};
    Content content = Content.of(bytes);
    bytes[0] = 9;
    assertThat(content.bytes()).containsExactly(1, 2, 3);
    content.bytes()[1] = 9;
    assertThat(content.bytes()).containsExactly(1, 2, 3);
    assertThat(content.slice(1, 2)).containsExactly(2, 3);
  }

  @Test
  void bytesRefusesContentTooLargeForAnArray() {
    assertThatThrownBy(() -> Content.random(Integer.MAX_VALUE, 1).bytes())
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void readsOutsideTheContentAreRejected() {
    for (Content content : new Content[] {Content.random(10, 1), Content.of(new byte[10])}) {
      assertThatThrownBy(() -> content.slice(5, 6)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> content.slice(-1, 1)).isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> content.read(0, new byte[4], 2, 3))
          .isInstanceOf(IndexOutOfBoundsException.class);
    }
  }
}
