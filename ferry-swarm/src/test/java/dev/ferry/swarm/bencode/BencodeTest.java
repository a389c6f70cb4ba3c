package dev.ferry.swarm.bencode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BencodeTest {
  @Test
  void decodesWhatBep3Describes() {
    assertThat(decode("i3e")).isEqualTo(new BInteger(3));
    assertThat(decode("i-3e")).isEqualTo(new BInteger(-3));
    assertThat(decode("i0e")).isEqualTo(new BInteger(0));
    assertThat(decode("i9223372036854775807e")).isEqualTo(new BInteger(Long.MAX_VALUE));
    assertThat(decode("i-9223372036854775808e")).isEqualTo(new BInteger(Long.MIN_VALUE));
    assertThat(decode("4:spam")).isEqualTo(BString.of("spam"));
    assertThat(decode("0:")).isEqualTo(BString.of(""));
    assertThat(decode("l4:spam4:eggse"))
        .isEqualTo(new BList(List.of(BString.of("spam"), BString.of("eggs"))));
    BDict dict = (BDict) decode("d3:cow3:moo4:spaml1:a1:bee");
    assertThat(dict.get("cow")).isEqualTo(BString.of("moo"));
    assertThat(dict.get("spam")).isEqualTo(new BList(List.of(BString.of("a"), BString.of("b"))));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"|ends inside a value",
        "i03e|leading zero",
        "i-0e|-0",
        "i00e|leading zero",
        "ie|without digits",
        "i-e|without digits",
        "i1x2e|'x' in an integer",
        "i12|ends inside",
        "i9223372036854775808e|longer than 64 bits",
        "i-9223372036854775809e|longer than 64 bits",
        "i99999999999999999999e|longer than 64 bits",
        "04:spam|leading zero",
        "5:spam|runs past the end",
        "99999999999999999999:x|runs past the end",
        "4spam|'s' in a string's length",
        "l4:spam|ends inside",
        "i1ei2e|3 bytes after the value",
        "di1e1:ae|key must be a string",
        "d1:b0:1:a0:e|out of order",
        "d1:a0:1:a0:e|appears twice",
        "x|unexpected 'x'",
      })
  void refusesWhatIsNotCanonicalBencodeSayingWhy(String input, String reason) {
    assertThatThrownBy(() -> decode(input))
        .isInstanceOf(BencodeException.class)
        .hasMessageContaining(reason);
  }

  @Test
  void keysOutOfOrderAreTakenWhenCanonicalIsNotAskedButNeverTwice() {
    byte[] unsorted = bytes("d1:b0:1:a0:e");
    BDict dict = (BDict) Bdecoder.decode(unsorted, false, Bdecoder.Limits.DEFAULT);
    assertThat(Bencoder.encode(dict)).isEqualTo(bytes("d1:a0:1:b0:e"));
    assertThatThrownBy(() -> Bdecoder.decode(bytes("d1:a0:1:a0:e"), false, Bdecoder.Limits.DEFAULT))
        .hasMessageContaining("appears twice");
  }

  @Test
  void keysSortAsRawUnsignedBytes() {
    BDict dict =
        BDict.builder()
            .put(BString.of(new byte[] {(byte) 0xff}), new BInteger(1))
            .put("a", 2)
            .build();
    byte[] encoded = Bencoder.encode(dict);
    assertThat(encoded)
        .isEqualTo(concat(bytes("d1:ai2e1:"), new byte[] {(byte) 0xff}, bytes("i1ee")));
    assertThat(Bdecoder.decode(encoded)).isEqualTo(dict);
  }

  @Test
  void hostileNestingAndCountsFailWithoutExhaustingTheStackOrHeap() {
    byte[] deep = bytes("l".repeat(1_000_000) + "e".repeat(1_000_000));
    assertThatThrownBy(() -> Bdecoder.decode(deep)).hasMessageContaining("nested deeper than 64");
    byte[] deepDicts = bytes("d1:a".repeat(100_000));
    assertThatThrownBy(() -> Bdecoder.decode(deepDicts)).hasMessageContaining("nested deeper");
    byte[] many = bytes("l" + "le".repeat(2_000_000) + "e");
    assertThatThrownBy(() -> Bdecoder.decode(many)).hasMessageContaining("more than 1000000");
    assertThat(Bdecoder.decode(bytes("l".repeat(64) + "e".repeat(64)))).isInstanceOf(BList.class);
  }

  @Test
  void encodingRoundTrips() {
    String canonical = "d4:infod6:lengthi-42e4:name3:\u00e9t\u00e9e5:listsll0:eli0eeee";
    byte[] input = canonical.getBytes(StandardCharsets.ISO_8859_1);
    assertThat(Bencoder.encode(Bdecoder.decode(input))).isEqualTo(input);
  }

  private static BValue decode(String input) {
    return Bdecoder.decode(bytes(input));
  }

  private static byte[] bytes(String ascii) {
    return ascii.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
