package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.spi.SourceLacks;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.PeerId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A response from peers that waits for a piece no peer sends ends as soon as the engine aborts it
 * (a job suspended, a transfer stopped), not when its timeout runs out; when the timeout does run
 * out, it says who could have sent the piece, and, where other pieces came meanwhile, that the
 * peers lack that one for now.
 */
class PieceStreamTest {
  @TempDir Path dir;

  /** The torrent of a file of two pieces that no peer has. */
  private SingleFileTorrent twoPieces() throws IOException {
    Path file = dir.resolve("content");
    byte[] content = new byte[512 * 1024];
    new Random(5).nextBytes(content);
    Files.write(file, content);
    return CanonicalTorrent.of(file, 256 * 1024);
  }

  @Test
  void anAbortEndsAReadThatWaitsForAPiece() throws Exception {
    SingleFileTorrent torrent = twoPieces();
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession lonely = swarm.add(torrent, LocalPieces.none());
      PieceStream stream =
          new PieceStream(lonely, 0, torrent.length(), 2, Duration.ofHours(1), Duration.ofHours(1));
      AtomicReference<Throwable> ended = new AtomicReference<>();
      Thread reader =
          Thread.ofVirtual()
              .start(() -> {
                try {
                  stream.read(new byte[100], 0, 100);
                  ended.set(new AssertionError("a byte came from no peer"));
                } catch (IOException e) {
                  ended.set(e);
                }
              });
      // The reader is blocked in its wait (there is no peer); the abort must end it.
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() ->
              reader.getState() == Thread.State.WAITING
                  || reader.getState() == Thread.State.TIMED_WAITING);
      stream.abort();
      await().atMost(Duration.ofSeconds(30)).until(() -> ended.get() != null);
      assertThat(ended.get()).isInstanceOf(IOException.class).hasMessageContaining("aborted");
    }
  }

  @Test
  void aPieceNoPeerSendsWhileAnotherComesIsOneThePeersLackForNow() throws Exception {
    SingleFileTorrent torrent = twoPieces();
    LocalPieces file = LocalPieces.ofFile(dir.resolve("content"));
    // A peer that has the second piece only.
    LocalPieces second =
        new LocalPieces() {
          @Override
          public boolean has(int piece) {
            return piece == 1;
          }

          @Override
          public void read(long offset, ByteBuffer dst) throws IOException {
            file.read(offset, dst);
          }
        };
    InetAddress loopback = InetAddress.getLoopbackAddress();
    try (Swarm holder =
            Swarm.start(SwarmSettings.defaults().withBindAddress(loopback).withPort(0));
        Swarm asker = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      holder.add(torrent, second);
      TorrentSession session = asker.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(loopback, holder.port()));
      await().atMost(Duration.ofSeconds(30)).until(() -> session.available(256 * 1024) > 0);
      PeerSource peers = PeerSource.beside(session, Duration.ofHours(1), PeerId.random());
      // Nobody has piece 0; piece 1 comes meanwhile. Without the wait for a piece nobody sends,
      // the read would end at the timeout, with another message.
      PieceStream stream =
          new PieceStream(
              session, 0, torrent.length(), 2, Duration.ofSeconds(60), Duration.ofSeconds(1));

      assertThatThrownBy(() -> stream.read(new byte[100], 0, 100))
          .isInstanceOfSatisfying(
              PieceStream.Stalled.class,
              stalled ->
                  assertThat(peers.classify(stalled, "reading"))
                      .isInstanceOfSatisfying(
                          SourceLacks.class, lacks -> assertThat(lacks.offset()).isZero()))
          .hasMessageContaining(
              "no peer sent piece 0 for 1 s, and no peer that has it unchokes this machine");
      assertThat(session.bytesTakenIn()).isEqualTo(256 * 1024);
    }
  }

  @Test
  void aPieceNoPeerSendsInTimeEndsTheReadSayingWhoHasIt() throws Exception {
    SingleFileTorrent torrent = twoPieces();
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession lonely = swarm.add(torrent, LocalPieces.none());
      PieceStream stream =
          new PieceStream(
              lonely, 256 * 1024, torrent.length(), 1, Duration.ofMillis(200), Duration.ofHours(1));

      assertThatThrownBy(() -> stream.read(new byte[100], 0, 100))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage(
              "no peer sent piece 1 within 0 s (0 of 0 connected peers have it, 0 of them unchoke"
                  + " this machine; 0 of 16 blocks here, 0 asked, refused by 0 peers)");
    }
  }
}
