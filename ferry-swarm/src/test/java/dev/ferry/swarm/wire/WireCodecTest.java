package dev.ferry.swarm.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.swarm.wire.Message.AllowedFast;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Cancel;
import dev.ferry.swarm.wire.Message.Extended;
import dev.ferry.swarm.wire.Message.HashRange;
import dev.ferry.swarm.wire.Message.HashReject;
import dev.ferry.swarm.wire.Message.HashRequest;
import dev.ferry.swarm.wire.Message.Hashes;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.RejectRequest;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.Message.Suggest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

/** The handshake and every message to bytes and back, whole, split anywhere, and out of bounds. */
class WireCodecTest {
  private static final WireLimits LIMITS = WireLimits.forPieces(100);
  private static final byte[] ROOT = filled(32, 7);
  private static final HashRange RANGE = new HashRange(ROOT, 0, 512, 512, 3);

  static List<Message> everyMessage() {
    List<Message> all = new ArrayList<>(Arrays.asList(Signal.values()));
    all.addAll(
        List.of(
            new Have(99),
            new Bitfield(new byte[] {(byte) 0xff, 0, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}),
            new Request(new BlockRef(3, 16384, 16384)),
            Piece.of(3, 16384, filled(16384, 3)),
            Piece.of(0, 0, new byte[0]),
            new Cancel(new BlockRef(3, 16384, 16384)),
            new Suggest(5),
            new RejectRequest(new BlockRef(4, 0, 1000)),
            new AllowedFast(6),
            new ExtensionHandshake(
                    Map.of("ut_metadata", 2, "lt_donthave", 7),
                    Optional.of("Ferry 0.1"),
                    OptionalInt.of(6881),
                    OptionalLong.of(31_337))
                .toMessage(),
            new Extended(2, "d8:msg_typei0e5:piecei0ee".getBytes(StandardCharsets.US_ASCII)),
            new HashRequest(RANGE),
            new Hashes(RANGE, filled(32 * 514, 9)),
            new HashReject(RANGE)));
    return all;
  }

  @Test
  void handshakeRoundTripsWithFerrysBits() throws Exception {
    PeerId id = PeerId.random();
    Handshake ours = new Handshake(Reserved.FERRY, filled(20, 1), id);
    byte[] bytes = ours.encode();

    assertThat(bytes).hasSize(68);
    assertThat(Arrays.copyOf(bytes, 20))
        .isEqualTo("\u0013BitTorrent protocol".getBytes(StandardCharsets.US_ASCII));
    assertThat(HexFormat.of().formatHex(bytes, 20, 28)).isEqualTo("0000000000100014");
    assertThat(new String(bytes, 48, 8, StandardCharsets.US_ASCII)).isEqualTo("-FY0001-");
    Handshake back = Handshake.decode(ByteBuffer.wrap(bytes));
    assertThat(back).isEqualTo(ours);
    assertThat(back.reserved().fast()).isTrue();
    assertThat(back.reserved().extensionProtocol()).isTrue();
    assertThat(back.reserved().v2()).isTrue();
    assertThat(back.peerId().isFerry()).isTrue();
    assertThat(PeerId.random()).isNotEqualTo(id);
  }

  @Test
  void aShortHandshakeWaitsAndTakesNothing() throws Exception {
    byte[] bytes = new Handshake(Reserved.FERRY, filled(20, 1), PeerId.random()).encode();
    ByteBuffer partial = ByteBuffer.wrap(bytes, 0, 67);

    assertThat(Handshake.decode(partial)).isNull();
    assertThat(partial.position()).isZero();
  }

  @Test
  void anotherProtocolIsRefusedAsSoonAsItShows() {
    byte[] bytes = new Handshake(Reserved.FERRY, filled(20, 1), PeerId.random()).encode();
    byte[] length = bytes.clone();
    length[0] = 14;
    byte[] name = bytes.clone();
    name[5] = 'X';

    assertThatThrownBy(() -> Handshake.decode(ByteBuffer.wrap(length, 0, 1)))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("protocol string length 14, not 19");
    assertThatThrownBy(() -> Handshake.decode(ByteBuffer.wrap(name, 0, 6)))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("not \"BitTorrent protocol\"");
  }

  @Test
  void everyMessageRoundTripsWholeAndByteByByte() throws Exception {
    List<Message> all = everyMessage();
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    all.forEach(message -> stream.writeBytes(MessageCodec.encode(message)));
    byte[] bytes = stream.toByteArray();

    assertThat(decodeAll(new MessageDecoder(LIMITS), ByteBuffer.wrap(bytes))).isEqualTo(all);
    MessageDecoder decoder = new MessageDecoder(LIMITS);
    List<Message> oneByOne = new ArrayList<>();
    for (byte b : bytes) {
      oneByOne.addAll(decodeAll(decoder, ByteBuffer.wrap(new byte[] {b})));
    }
    assertThat(oneByOne).isEqualTo(all);
    assertThat(decoder.inMessage()).isFalse();
  }

  @Test
  void aDecoderThatReusesBlocksGivesEachMessageWhileItIsCurrent() throws Exception {
    List<Message> all = new ArrayList<>(everyMessage());
    all.add(Piece.of(4, 0, filled(100, 9)));
    all.add(Piece.of(5, 100, filled(60, 7)));
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    all.forEach(message -> stream.writeBytes(MessageCodec.encode(message)));
    byte[] bytes = stream.toByteArray();

    // Compared as each comes, before the next call may overwrite its block.
    MessageDecoder decoder = MessageDecoder.reusingBlocks(LIMITS);
    ByteBuffer in = ByteBuffer.wrap(bytes);
    List<String> seen = new ArrayList<>();
    for (Message message = decoder.next(in); message != null; message = decoder.next(in)) {
      seen.add(message.toString() + (message instanceof Piece p ? Arrays.toString(p.data()) : ""));
    }
    assertThat(seen)
        .isEqualTo(
            all.stream()
                .map(m -> m.toString() + (m instanceof Piece p ? Arrays.toString(p.data()) : ""))
                .toList());
  }

  @Test
  void theWireFormatIsBep3s() {
    assertThat(hex(Signal.KEEP_ALIVE)).isEqualTo("00000000");
    assertThat(hex(Signal.INTERESTED)).isEqualTo("0000000102");
    assertThat(hex(Signal.HAVE_ALL)).isEqualTo("000000010e");
    assertThat(hex(new Have(1))).isEqualTo("000000050400000001");
    assertThat(hex(new Request(new BlockRef(1, 2, 16384))))
        .isEqualTo("0000000d06000000010000000200004000");
    assertThat(hex(new Extended(3, new byte[] {'d', 'e'}))).isEqualTo("0000000414036465");
    assertThat(hex(new HashReject(new HashRange(new byte[32], 1, 2, 3, 4))))
        .isEqualTo("0000003117" + "00".repeat(32) + "00000001000000020000000300000004");
  }

  @Test
  void aTruncatedMessageWaitsForTheRest() throws Exception {
    byte[] bytes = MessageCodec.encode(Piece.of(1, 0, filled(1000, 5)));
    MessageDecoder decoder = new MessageDecoder(LIMITS);

    assertThat(decoder.next(ByteBuffer.wrap(bytes, 0, 3))).isNull();
    assertThat(decoder.next(ByteBuffer.wrap(bytes, 3, 600))).isNull();
    assertThat(decoder.inMessage()).isTrue();
    assertThat(decoder.next(ByteBuffer.wrap(bytes, 603, bytes.length - 603)))
        .isEqualTo(Piece.of(1, 0, filled(1000, 5)));
  }

  @Test
  void anOversizeLengthIsRefusedFromItsPrefixAlone() {
    // The four length bytes, no id and no payload: the decoder could not have allocated for it.
    assertThatThrownBy(() -> new MessageDecoder(LIMITS).next(ByteBuffer.wrap(hex("7fffffff"))))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("message length 2147483647 over the limit of 18481");
    assertThatThrownBy(() -> new MessageDecoder(LIMITS).next(ByteBuffer.wrap(hex("ffffffff"))))
        .hasMessageContaining("message length 4294967295 over");
    // The longest kind by default: a hashes message of 512 hashes and 64 proof hashes.
    assertThat(LIMITS.maxMessageLength()).isEqualTo(1 + 48 + 576 * 32);
  }

  @Test
  void eachKindIsHeldToItsOwnBoundBeforeItsPayload() {
    // a piece one byte over 16 KiB, a bitfield longer than 100 pieces need, an extended message
    // over its bound, a have of the wrong length: refused on their length and id alone.
    WireLimits big = new WireLimits(16384, 1 << 20, 1 << 20, 1 << 15);
    assertThatThrownBy(() -> new MessageDecoder(big).next(ByteBuffer.wrap(hex("0000400a07"))))
        .hasMessageContaining("message 7 cannot have a payload of 16393 bytes");
    assertThatThrownBy(() -> new MessageDecoder(LIMITS).next(ByteBuffer.wrap(hex("0000000f05"))))
        .hasMessageContaining("message 5 cannot have a payload of 14 bytes");
    assertThatThrownBy(() ->
            new MessageDecoder(new WireLimits(16384, 13, 1024, 512))
                .next(ByteBuffer.wrap(hex("0000040314"))))
        .hasMessageContaining("message 20 cannot have a payload of 1026 bytes");
    assertThatThrownBy(() -> new MessageDecoder(LIMITS).next(ByteBuffer.wrap(hex("0000000404"))))
        .hasMessageContaining("message 4 cannot have a payload of 3 bytes");
  }

  @Test
  void aRequestOver16KibIsRefused() throws Exception {
    byte[] over = MessageCodec.encode(new Request(new BlockRef(0, 0, 16385)));
    byte[] atLimit = MessageCodec.encode(new Request(new BlockRef(0, 0, 16384)));

    assertThat(new MessageDecoder(LIMITS).next(ByteBuffer.wrap(atLimit)))
        .isEqualTo(new Request(new BlockRef(0, 0, 16384)));
    MessageDecoder decoder = new MessageDecoder(LIMITS);
    assertThatThrownBy(() -> decoder.next(ByteBuffer.wrap(over)))
        .isInstanceOf(WireException.class)
        .hasMessageContaining("request of 16385 bytes refused");
    // The stream is broken from then on.
    assertThatThrownBy(() -> decoder.next(ByteBuffer.wrap(atLimit)))
        .hasMessageContaining("request of 16385 bytes refused");
  }

  @Test
  void unknownMessagesAreSkippedByLengthWithinTheBound() throws Exception {
    ByteBuffer in = ByteBuffer.allocate(64);
    in.putInt(11).put((byte) 99).put(filled(10, 1)).put(MessageCodec.encode(new Have(2))).flip();

    assertThat(decodeAll(new MessageDecoder(LIMITS), in)).containsExactly(new Have(2));
    assertThatThrownBy(() -> new MessageDecoder(LIMITS).next(ByteBuffer.wrap(hex("0000484263"))))
        .hasMessageContaining("over the limit");
  }

  @Test
  void theExtensionHandshakeRoundTripsAndToleratesOthersEntries() throws Exception {
    ExtensionHandshake ours =
        new ExtensionHandshake(
            Map.of("ut_metadata", 2),
            Optional.of("Ferry"),
            OptionalInt.of(7680),
            OptionalLong.of(9));
    assertThat(ExtensionHandshake.decode(ours.encode())).isEqualTo(ours);

    // libtorrent's kind, keys out of order, with entries Ferry ignores and a bad port.
    byte[] theirs =
        ("d1:md11:ut_metadatai2e6:ut_pexi0e8:bad_typei-1ee4:reqqi500e1:v16:libtorrent 2.0.8"
                + "1:pi70000e6:yourip4:\u007f\u0000\u0000\u0001e")
            .getBytes(StandardCharsets.ISO_8859_1);
    ExtensionHandshake read = ExtensionHandshake.decode(theirs);
    assertThat(read.messages()).isEqualTo(Map.of("ut_metadata", 2, "ut_pex", 0));
    assertThat(read.client()).contains("libtorrent 2.0.8");
    assertThat(read.port()).isEmpty();
    assertThat(read.metadataSize()).isEmpty();
    assertThatThrownBy(() -> ExtensionHandshake.decode("i1e".getBytes(StandardCharsets.US_ASCII)))
        .isInstanceOf(WireException.class);
    assertThatThrownBy(() -> ExtensionHandshake.decode(new byte[] {'d'}))
        .isInstanceOf(WireException.class);
  }

  @Test
  void theReaderTakesAHandshakeThenMessagesFromAStream() throws Exception {
    Handshake handshake = new Handshake(Reserved.FERRY, filled(20, 2), PeerId.random());
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.writeBytes(handshake.encode());
    everyMessage().forEach(message -> stream.writeBytes(MessageCodec.encode(message)));
    MessageReader reader =
        new MessageReader(new ByteArrayInputStream(stream.toByteArray()), LIMITS);

    assertThat(reader.readHandshake()).isEqualTo(handshake);
    for (Message message : everyMessage()) {
      assertThat(reader.read()).isEqualTo(message);
    }
    assertThatThrownBy(reader::read).isInstanceOf(EOFException.class);
  }

  static List<Message> decodeAll(MessageDecoder decoder, ByteBuffer in) throws WireException {
    List<Message> out = new ArrayList<>();
    for (Message m = decoder.next(in); m != null; m = decoder.next(in)) {
      out.add(m);
    }
    return out;
  }

  private static String hex(Message message) {
    return HexFormat.of().formatHex(MessageCodec.encode(message));
  }

  private static byte[] hex(String digits) {
    return HexFormat.of().parseHex(digits);
  }

  private static byte[] filled(int size, int seed) {
    byte[] bytes = new byte[size];
    for (int i = 0; i < size; i++) {
      bytes[i] = (byte) (i * 31 + seed);
    }
    return bytes;
  }
}
