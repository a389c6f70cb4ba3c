package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.net.SocketTimeoutException;
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
 * out, it says who could have sent the piece.
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
      PieceStream stream = new PieceStream(lonely, 0, torrent.length(), 2, Duration.ofHours(1));
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
  void aPieceNoPeerSendsInTimeEndsTheReadSayingWhoHasIt() throws Exception {
    SingleFileTorrent torrent = twoPieces();
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession lonely = swarm.add(torrent, LocalPieces.none());
      PieceStream stream =
          new PieceStream(lonely, 256 * 1024, torrent.length(), 1, Duration.ofMillis(200));

      assertThatThrownBy(() -> stream.read(new byte[100], 0, 100))
          .isInstanceOf(SocketTimeoutException.class)
          .hasMessage(
              "no peer sent piece 1 within 0 s (0 of 0 connected peers have it, 0 of them unchoke"
                  + " this machine; 0 of 16 blocks here, 0 asked, refused by 0 peers)");
    }
  }
}
