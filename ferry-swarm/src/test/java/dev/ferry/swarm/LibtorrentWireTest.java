package dev.ferry.swarm;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentWriter;
import dev.ferry.swarm.wire.ExtensionHandshake;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Piece;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Random;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ferry's wire codec against a real libtorrent: libtorrent seeds a file from the v2 torrent Ferry
 * wrote (on 127.0.0.1, a port it picks), and the test, as a downloader over a plain socket, shakes
 * hands, reads libtorrent's first messages, says it is interested, waits to be unchoked and gets
 * one 16 KiB block of piece 0, which must be the file's bytes. The waits are the socket's read
 * timeout, generous: no timing is asserted.
 */
class LibtorrentWireTest {
  private static final int BLOCK = 16 * 1024;

  /** How long one read may block: generous, for a loaded machine; not a measurement. */
  private static final int READ_TIMEOUT_MS = 120_000;

  /** How many messages libtorrent may send before the one awaited: a bound, not a timing. */
  private static final int MAX_MESSAGES = 1000;

  @TempDir static Path dir;
  private static Libtorrent libtorrent;

  @BeforeAll
  static void start() throws Exception {
    libtorrent = Libtorrent.start(dir);
  }

  @AfterAll
  static void stop() throws Exception {
    if (libtorrent != null) {
      libtorrent.close();
    }
  }

  @Test
  void ferrysCodecGetsABlockFromALibtorrentSeed() throws Exception {
    Path seedDir = Files.createDirectories(dir.resolve("seed"));
    byte[] content = new byte[100_000];
    new Random(17).nextBytes(content);
    Path file = Files.write(dir.resolve("content"), content);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 32 * 1024);
    // libtorrent finds the file under the torrent's name, the content id.
    Files.copy(file, seedDir.resolve(torrent.name()));
    Path torrentFile = dir.resolve("ferry.torrent");
    TorrentWriter.write(torrent, torrentFile);

    JsonNode seeding = libtorrent.seed(torrentFile, seedDir);
    assertThat(seeding.path("error").isMissingNode()).as("%s", seeding).isTrue();
    int port = seeding.get("port").asInt();
    System.out.println("libtorrent seeds on 127.0.0.1:" + port);

    int pieces = (int) ((torrent.length() + torrent.pieceLength() - 1) / torrent.pieceLength());
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), READ_TIMEOUT_MS);
      socket.setSoTimeout(READ_TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      MessageReader reader =
          new MessageReader(socket.getInputStream(), WireLimits.forPieces(pieces));
      Handshake ours =
          new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random());
      out.write(ours.encode());
      out.write(
          MessageCodec.encode(
              new ExtensionHandshake(
                      Map.of(), Optional.of("Ferry"), OptionalInt.empty(), OptionalLong.empty())
                  .toMessage()));
      out.flush();

      Handshake theirs = reader.readHandshake();
      System.out.println("libtorrent's handshake: " + theirs);
      assertThat(theirs.infoHash()).isEqualTo(torrent.infoHash().truncated());
      assertThat(theirs.reserved().fast()).isTrue();
      assertThat(theirs.reserved().extensionProtocol()).isTrue();
      assertThat(theirs.peerId()).isNotEqualTo(ours.peerId());

      List<Message> seen = new ArrayList<>();
      // A seed that knows the fast extension says so with have all (or a full bitfield).
      readUntil(
          reader,
          seen,
          m -> m == Signal.HAVE_ALL || m instanceof Message.Bitfield b && b.has(pieces - 1));
      Message.Extended extended =
          seen.stream()
              .filter(m -> m instanceof Message.Extended e && e.extendedId() == 0)
              .map(Message.Extended.class::cast)
              .findFirst()
              .orElseThrow(() -> new AssertionError("no extension handshake in " + seen));
      ExtensionHandshake their = ExtensionHandshake.decode(extended.payload());
      System.out.println("libtorrent's extension handshake: " + their);
      assertThat(their.client()).hasValueSatisfying(v -> assertThat(v).contains("libtorrent"));

      out.write(MessageCodec.encode(Signal.INTERESTED));
      out.flush();
      readUntil(reader, seen, m -> m == Signal.UNCHOKE);

      out.write(MessageCodec.encode(new Request(new BlockRef(0, 0, BLOCK))));
      out.flush();
      Message answer = readUntil(reader, seen, m -> m instanceof Piece);
      System.out.println("libtorrent sent: " + seen);

      Piece piece = (Piece) answer;
      assertThat(piece.piece()).isZero();
      assertThat(piece.begin()).isZero();
      assertThat(piece.data()).isEqualTo(Arrays.copyOf(content, BLOCK));
    }
  }

  /** Reads messages into {@code seen} until one {@code awaited}, which it returns. */
  private static Message readUntil(
      MessageReader reader, List<Message> seen, Predicate<Message> awaited) throws Exception {
    for (int i = 0; i < MAX_MESSAGES; i++) {
      Message message = reader.read();
      seen.add(message);
      if (awaited.test(message)) {
        return message;
      }
    }
    throw new AssertionError("not among " + MAX_MESSAGES + " messages: " + seen);
  }
}
