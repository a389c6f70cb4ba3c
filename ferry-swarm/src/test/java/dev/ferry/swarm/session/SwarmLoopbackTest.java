package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.peer.PeerConnection;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Handshake;
import dev.ferry.swarm.wire.Message;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Request;
import dev.ferry.swarm.wire.Message.Signal;
import dev.ferry.swarm.wire.MessageCodec;
import dev.ferry.swarm.wire.MessageReader;
import dev.ferry.swarm.wire.PeerId;
import dev.ferry.swarm.wire.Reserved;
import dev.ferry.swarm.wire.WireLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Ferry swarms on loopback, no libtorrent: one seeds a file, the other fetches every piece of
 * it; and the limits that keep a hostile peer harmless, shown with a raw socket speaking the codec:
 * an over-long message and a flood of requests each end the connection.
 */
class SwarmLoopbackTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

  /** Generous bound on a blocking read, for a loaded machine; not a measurement. */
  private static final int READ_TIMEOUT_MS = 60_000;

  @TempDir Path dir;

  private static SwarmSettings settings() {
    return SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
  }

  @Test
  void ferryFetchesEveryPieceFromFerry() throws Exception {
    Path file = dir.resolve("content");
    // Several pieces and a tail that is not a whole block.
    byte[] content = SwarmFiles.write(file, 3 * 1024 * 1024 + 12_345, 4);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 256 * 1024);
    try (Swarm seeder = Swarm.start(settings());
        Swarm leecher = Swarm.start(settings().withPort(-1))) {
      TorrentSession seed = seeder.add(torrent, LocalPieces.ofFile(file));
      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      assertThat(leecher.port()).isEqualTo(-1);
      session.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      await().atMost(Duration.ofSeconds(60)).until(() -> session.available(0) == torrent.length());
      assertThat(session.available(torrent.length() - 1)).isEqualTo(1);
      assertThat(session.available(torrent.length())).isZero();

      byte[] fetched = SwarmFiles.fetchAll(session);

      assertThat(fetched).isEqualTo(content);
      assertThat(session.stats().bytesDownloaded()).isEqualTo(torrent.length());
      assertThat(session.stats().rejectedBytes()).isZero();
      assertThat(session.bytesTakenIn()).isEqualTo(torrent.length());
      assertThat(leecher.totals().bytesDownloaded()).isEqualTo(torrent.length());
      assertThat(seed.stats().bytesUploaded()).isGreaterThanOrEqualTo(torrent.length());
      assertThat(session.peers())
          .singleElement()
          .satisfies(peer -> {
            assertThat(peer.id()).isEqualTo(seeder.peerId());
            assertThat(peer.piecesHave()).isEqualTo(torrent.tree().pieceCount());
            assertThat(peer.banned()).isFalse();
          });
      assertThat(seed.stats().peersSeen()).isEqualTo(1);
    }
  }

  @Test
  void piecesTheLocalCopyGainsLaterAreAnnouncedToPeersConnectedBefore() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 1024 * 1024, 5);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 256 * 1024);
    // A copy that fills while peers are connected, as a download from the origin does.
    LocalPieces whole = LocalPieces.ofFile(file);
    AtomicInteger held = new AtomicInteger();
    LocalPieces growing =
        new LocalPieces() {
          @Override
          public boolean has(int piece) {
            return piece < held.get();
          }

          @Override
          public void read(long offset, java.nio.ByteBuffer dst) throws IOException {
            whole.read(offset, dst);
          }
        };
    try (Swarm holder = Swarm.start(settings());
        Swarm asker = Swarm.start(settings().withPort(-1))) {
      holder.add(torrent, growing);
      TorrentSession session = asker.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, holder.port()));
      await().atMost(Duration.ofSeconds(60)).until(() -> !session.peers().isEmpty());
      assertThat(session.available(0)).as("nothing yet").isZero();

      held.set(2);
      await().atMost(Duration.ofSeconds(60)).until(() -> session.available(0) == 512 * 1024);
      held.set(4);
      await().atMost(Duration.ofSeconds(60)).until(() -> session.available(0) == torrent.length());
      assertThat(SwarmFiles.fetchAll(session)).isEqualTo(content);
    }
  }

  @Test
  void ferryJoinsFerryWithOnlyTheInfoHash() throws Exception {
    Path file = dir.resolve("content");
    // 1100 pieces: three hash requests, a layer padded to 2048, two uncles for each request.
    byte[] content = SwarmFiles.write(file, 1100 * 16 * 1024 - 5, 8);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 16 * 1024);
    try (Swarm seeder = Swarm.start(settings());
        Swarm leecher = Swarm.start(settings().withPort(-1))) {
      seeder.add(torrent, LocalPieces.ofFile(file));
      InetSocketAddress seed = new InetSocketAddress(LOOPBACK, seeder.port());

      TorrentSession session =
          leecher
              .addMagnet(
                  torrent.infoHash(),
                  LocalPieces.none(),
                  List.of(new InetSocketAddress(LOOPBACK, 1), seed))
              .get(SwarmFiles.FETCH_SECONDS, TimeUnit.SECONDS);

      assertThat(session.torrent().tree().pieceLayer()).isEqualTo(torrent.tree().pieceLayer());
      assertThat(leecher.find(torrent.infoHash())).contains(session);
      assertThat(SwarmFiles.fetchAll(session)).isEqualTo(content);
    }
  }

  @Test
  void aMagnetNoPeerCanAnswerFails() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 100_000, 9);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 32 * 1024);
    SingleFileTorrent other = CanonicalTorrent.of(file, 16 * 1024);
    try (Swarm seeder = Swarm.start(settings());
        Swarm leecher = Swarm.start(settings().withPort(-1))) {
      // The seeder has the same content in another torrent: it cannot answer for this one.
      seeder.add(other, LocalPieces.ofFile(file));

      var magnet =
          leecher.addMagnet(
              torrent.infoHash(),
              LocalPieces.none(),
              List.of(new InetSocketAddress(LOOPBACK, seeder.port())));

      await().atMost(Duration.ofSeconds(60)).until(magnet::isDone);
      assertThat(magnet).isCompletedExceptionally();
      assertThat(leecher.find(torrent.infoHash())).isEmpty();
    }
  }

  @Test
  void removingASessionFailsItsFetchesAndClosesItsPeers() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 100_000, 5);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 32 * 1024);
    try (Swarm leecher = Swarm.start(settings().withPort(-1))) {
      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      assertThat(leecher.add(torrent, LocalPieces.none())).isSameAs(session);
      var fetch = session.fetch(1);
      assertThat(session.available(0)).isZero();

      leecher.remove(torrent.infoHash());

      await().atMost(Duration.ofSeconds(10)).until(fetch::isDone);
      assertThat(fetch).isCompletedExceptionally();
      assertThat(leecher.find(torrent.infoHash())).isEmpty();
      assertThat(session.fetch(0)).isCompletedExceptionally();
    }
  }

  @Test
  void anOverLongMessageEndsTheConnection() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 200_000, 6);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 64 * 1024);
    try (Swarm seeder = Swarm.start(settings())) {
      TorrentSession seed = seeder.add(torrent, LocalPieces.ofFile(file));
      try (Socket socket = handshake(seeder, torrent)) {
        await().atMost(Duration.ofSeconds(30)).until(() -> seed.stats().peersConnected() == 1);
        OutputStream out = socket.getOutputStream();
        // A piece message claiming 1 MiB: far over a 16 KiB block.
        out.write(ByteBuffer.allocate(5).putInt(1 << 20).put((byte) 7).array());
        out.flush();

        assertThat(readsUntilClosed(socket)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> seed.stats().peersConnected() == 0);
        assertThat(seeder.totals().connections()).isZero();
      }
    }
  }

  @Test
  void aFloodOfRequestsEndsTheConnection() throws Exception {
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 2 * 1024 * 1024, 7);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 64 * 1024);
    // The cap holds the writer back, so the requests pile up in the peer's queue.
    try (Swarm seeder = Swarm.start(settings().withUploadBytesPerSecond(16 * 1024))) {
      TorrentSession seed = seeder.add(torrent, LocalPieces.ofFile(file));
      try (Socket socket = handshake(seeder, torrent)) {
        OutputStream out = socket.getOutputStream();
        out.write(MessageCodec.encode(Signal.INTERESTED));
        out.flush();
        MessageReader reader =
            new MessageReader(
                socket.getInputStream(), WireLimits.forPieces(torrent.tree().pieceCount()));
        for (Message m = reader.read(); m != Signal.UNCHOKE; m = reader.read()) {
          // The seed's have all and extension handshake come first.
        }
        ByteArrayOutputStream flood = new ByteArrayOutputStream();
        // The same blocks over and over: the queue's bound counts requests, not distinct blocks.
        int blocks = torrent.tree().pieceCount() * 4;
        int requests = PeerConnection.MAX_QUEUED_REQUESTS + 100;
        for (int i = 0; i < requests; i++) {
          int block = i % blocks;
          flood.write(
              MessageCodec.encode(
                  new Request(new BlockRef(block / 4, (block % 4) * 16 * 1024, 16 * 1024))));
        }
        out.write(flood.toByteArray());
        out.flush();

        assertThat(readsUntilClosed(socket)).isTrue();
        await().atMost(Duration.ofSeconds(30)).until(() -> seed.stats().peersConnected() == 0);
        assertThat(seed.stats().bytesUploaded()).isLessThan(torrent.length());
      }
    }
  }

  /** A raw connection to {@code swarm} for {@code torrent}, both handshakes done. */
  private static Socket handshake(Swarm swarm, SingleFileTorrent torrent) throws IOException {
    Socket socket = new Socket(LOOPBACK, swarm.port());
    socket.setSoTimeout(READ_TIMEOUT_MS);
    socket
        .getOutputStream()
        .write(
            new Handshake(Reserved.FERRY, torrent.infoHash().truncated(), PeerId.random())
                .encode());
    InputStream in = socket.getInputStream();
    Handshake theirs = Handshake.decode(ByteBuffer.wrap(in.readNBytes(Handshake.SIZE)));
    assertThat(theirs.peerId()).isEqualTo(swarm.peerId());
    return socket;
  }

  /** Reads (and drops) what comes until the peer closes: true, or a read times out: false. */
  private static boolean readsUntilClosed(Socket socket) throws IOException {
    InputStream in = socket.getInputStream();
    byte[] sink = new byte[64 * 1024];
    try {
      while (in.read(sink) >= 0) {
        // What the seed sent before it closed.
      }
      return true;
    } catch (SocketException e) {
      // A reset: closed with our bytes unread.
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }
}
