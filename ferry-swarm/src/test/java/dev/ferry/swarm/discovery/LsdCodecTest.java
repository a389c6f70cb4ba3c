package dev.ferry.swarm.discovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.swarm.content.SwarmKey;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** BEP 14 announces to bytes and back, libtorrent's form read, and what is refused. */
class LsdCodecTest {
  private static final SwarmKey A = SwarmKey.parse("0123456789abcdef0123456789abcdef01234567");
  private static final SwarmKey B = SwarmKey.parse("fedcba9876543210fedcba9876543210fedcba98");

  @Test
  void anAnnounceIsWrittenAsBep14ShowsIt() {
    byte[] datagram =
        LsdCodec.encode(new LsdMessage(7680, List.of(A), Optional.of("1a2b3c")), LsdGroup.V4);

    assertThat(new String(datagram, StandardCharsets.US_ASCII))
        .isEqualTo(
            "BT-SEARCH * HTTP/1.1\r\n"
                + "Host: 239.192.152.143:6771\r\n"
                + "Port: 7680\r\n"
                + "Infohash: 0123456789abcdef0123456789abcdef01234567\r\n"
                + "cookie: 1a2b3c\r\n"
                + "\r\n\r\n");
  }

  @Test
  void severalKeysRoundTripOnEitherGroup() throws LsdException {
    LsdMessage message = new LsdMessage(65535, List.of(A, B, A), Optional.of("ferry-cookie"));
    for (LsdGroup group : LsdGroup.values()) {
      byte[] datagram = LsdCodec.encode(message, group);
      assertThat(LsdCodec.decode(datagram, 0, datagram.length)).isEqualTo(message);
    }
    assertThat(new String(LsdCodec.encode(message, LsdGroup.V6), StandardCharsets.US_ASCII))
        .contains("Host: [ff15::efc0:988f]:6771\r\n");
  }

  @Test
  void theMostKeysADatagramHoldsStayWithinBep14s1400Bytes() throws LsdException {
    List<SwarmKey> keys = new ArrayList<>(Collections.nCopies(LsdMessage.MAX_KEYS, B));
    LsdMessage message =
        new LsdMessage(65535, keys, Optional.of("c".repeat(LsdMessage.MAX_COOKIE)));
    byte[] datagram = LsdCodec.encode(message, LsdGroup.V6);

    assertThat(datagram.length).isLessThanOrEqualTo(1400);
    assertThat(LsdCodec.decode(datagram, 0, datagram.length)).isEqualTo(message);
    assertThat(LsdCodec.batches(Collections.nCopies(2 * LsdMessage.MAX_KEYS + 1, A)))
        .extracting(List::size)
        .containsExactly(LsdMessage.MAX_KEYS, LsdMessage.MAX_KEYS, 1);
  }

  @Test
  void libtorrentsFormIsRead() throws LsdException {
    // As libtorrent 2.0.8 renders it (lsd.cpp): upper-case hex is read too, and a lower-case
    // method, and other headers are passed over.
    String text =
        "bt-search * HTTP/1.1\r\n"
            + "Host: 239.192.152.143:6771\r\n"
            + "Port: 6881\r\n"
            + "X-Other: anything at all\r\n"
            + "Infohash: FEDCBA9876543210FEDCBA9876543210FEDCBA98\r\n"
            + "cookie: 5f3a2e1\r\n"
            + "\r\n\r\n";

    assertThat(decode(text)).isEqualTo(new LsdMessage(6881, List.of(B), Optional.of("5f3a2e1")));
  }

  @Test
  void keysOfAnotherLengthAndZeroKeysAreSkipped() throws LsdException {
    String text =
        "BT-SEARCH * HTTP/1.1\r\n"
            + "Port: 1\r\n"
            + "Infohash: "
            + "ab".repeat(32)
            + "\r\n"
            + "Infohash: "
            + "0".repeat(40)
            + "\r\n"
            + "Infohash: "
            + A.hex()
            + "\r\n\r\n";

    assertThat(decode(text)).isEqualTo(new LsdMessage(1, List.of(A), Optional.empty()));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "\r\n\r\n",
        "GET / HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.0\r\nPort: 1\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH *  HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\n",
        "BT-SEARCH * HTTP/1.1\nPort: 1\nInfohash: %A\n\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 0\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 65536\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: -1\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 99999999999\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nPort: 2\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: zz23456789abcdef0123456789abcdef01234567\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\ncookie:\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\ncookie: a b\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\ncookie: a\r\ncookie: b\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nno colon\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n: empty name\r\nInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\n\r\nbody",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\rInfohash: %A\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\nX: caf\u00e9\r\n\r\n",
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: %A\r\nX: \u0000\r\n\r\n"
      })
  void malformedAnnouncesAreRefused(String template) {
    String text = template.replace("%A", A.hex());
    byte[] datagram = text.getBytes(StandardCharsets.ISO_8859_1);

    assertThatThrownBy(() -> LsdCodec.decode(datagram, 0, datagram.length))
        .isInstanceOf(LsdException.class);
  }

  @Test
  void oversizedInputIsRefusedBeforeItIsRead() {
    StringBuilder text = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n");
    while (text.length() <= LsdCodec.MAX_DATAGRAM) {
      text.append("Infohash: ").append(A.hex()).append("\r\n");
    }
    String tooLong = text + "\r\n";
    String longLine =
        "BT-SEARCH * HTTP/1.1\r\nPort: 1\r\nInfohash: "
            + A.hex()
            + "\r\nX: "
            + "x".repeat(LsdCodec.MAX_LINE)
            + "\r\n\r\n";
    StringBuilder manyHeaders = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n");
    for (int i = 0; i < LsdCodec.MAX_HEADERS; i++) {
      manyHeaders.append("X:\r\n");
    }
    manyHeaders.append("Infohash: ").append(A.hex()).append("\r\n\r\n");
    StringBuilder manyKeys = new StringBuilder("BT-SEARCH * HTTP/1.1\r\nPort: 1\r\n");
    for (int i = 0; i <= LsdMessage.MAX_KEYS; i++) {
      manyKeys.append("Infohash: ").append(A.hex()).append("\r\n");
    }
    manyKeys.append("\r\n");

    for (String refused : List.of(tooLong, longLine, manyHeaders.toString(), manyKeys.toString())) {
      assertThatThrownBy(() -> decode(refused)).isInstanceOf(LsdException.class);
    }
  }

  @Test
  void onlyTheGivenRangeIsRead() throws LsdException {
    byte[] datagram =
        LsdCodec.encode(new LsdMessage(80, List.of(A), Optional.empty()), LsdGroup.V4);
    byte[] padded = new byte[datagram.length + 20];
    System.arraycopy(datagram, 0, padded, 10, datagram.length);

    assertThat(LsdCodec.decode(padded, 10, datagram.length).keys()).containsExactly(A);
    assertThatThrownBy(() -> LsdCodec.decode(padded, 10, padded.length))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  private static LsdMessage decode(String text) throws LsdException {
    byte[] datagram = text.getBytes(StandardCharsets.ISO_8859_1);
    return LsdCodec.decode(datagram, 0, datagram.length);
  }
}
