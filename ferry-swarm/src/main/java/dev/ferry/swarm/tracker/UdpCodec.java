package dev.ferry.swarm.tracker;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/** The datagrams of BEP 15: connect and announce requests, and the tracker's answers. */
final class UdpCodec {
  /** The connect request's fixed "connection id", which marks the protocol. */
  static final long PROTOCOL_ID = 0x41727101980L;

  static final int CONNECT = 0;
  static final int ANNOUNCE = 1;
  static final int ERROR = 3;

  private UdpCodec() {}

  /** An answer: the transaction it belongs to and its action, then the action's own fields. */
  record Header(int action, int transactionId) {}

  static byte[] connect(int transactionId) {
    return ByteBuffer.allocate(16)
        .putLong(PROTOCOL_ID)
        .putInt(CONNECT)
        .putInt(transactionId)
        .array();
  }

  static byte[] announce(long connectionId, int transactionId, AnnounceRequest request) {
    Progress progress = request.progress();
    return ByteBuffer.allocate(98)
        .putLong(connectionId)
        .putInt(ANNOUNCE)
        .putInt(transactionId)
        .put(request.swarm().bytes())
        .put(request.peerId().bytes())
        .putLong(progress.downloaded())
        .putLong(progress.left())
        .putLong(progress.uploaded())
        .putInt(request.event().udpCode())
        // IP address 0: the tracker takes the datagram's source address.
        .putInt(0)
        .putInt(request.key())
        .putInt(request.numWant())
        .putShort((short) request.port())
        .array();
  }

  /** The header of an answer, or empty for a datagram too short to be one. */
  static Optional<Header> header(byte[] datagram, int length) {
    if (length < 8) {
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(datagram, 0, length);
    return Optional.of(new Header(in.getInt(), in.getInt()));
  }

  /** The connection id of a connect answer (16 bytes), or empty when it is shorter. */
  static Optional<Long> connectionId(byte[] datagram, int length) {
    return length < 16 ? Optional.empty() : Optional.of(ByteBuffer.wrap(datagram).getLong(8));
  }

  /** An error answer's message: the bytes after the header, as text. */
  static String errorMessage(byte[] datagram, int length) {
    if (length <= 8) {
      return "";
    }
    return new String(datagram, 8, length - 8, StandardCharsets.UTF_8).strip();
  }

  /**
   * An announce answer (20 bytes, then peers of {@code peerSize} bytes: 6 from an IPv4 tracker, 18
   * from an IPv6 one), or empty when it is shorter than 20 bytes.
   */
  static Optional<AnnounceResponse> announceResponse(byte[] datagram, int length, int peerSize) {
    if (length < 20) {
      return Optional.empty();
    }
    ByteBuffer in = ByteBuffer.wrap(datagram, 8, 12);
    long interval = Integer.toUnsignedLong(in.getInt());
    int leechers = in.getInt();
    int seeders = in.getInt();
    return Optional.of(
        new AnnounceResponse(
            Duration.ofSeconds(interval),
            Optional.empty(),
            CompactPeers.decode(datagram, 20, length, peerSize),
            seeders < 0 ? OptionalInt.empty() : OptionalInt.of(seeders),
            leechers < 0 ? OptionalInt.empty() : OptionalInt.of(leechers),
            Optional.empty()));
  }
}
