package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.Bitfield;
import dev.ferry.swarm.wire.Message.Have;
import dev.ferry.swarm.wire.Message.Signal;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A downloading session is interested in every peer that has a piece it lacks, fetched now or not,
 * so that peers it fetches nothing from yet may unchoke it; and what peers would send now ({@link
 * TorrentSession#available}) is only what those that unchoke it have, while {@link
 * TorrentSession#held} counts every peer's. {@link ScriptedPeer}s play the peers.
 */
class InterestTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aPeerWithAPieceWeLackIsToldWeAreInterestedBeforeAnyFetchAndSendsOnlyOnceItUnchokes()
      throws Exception {
    int piece = 64 * 1024;
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 2 * piece, 41);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      // It has piece 1 only, and chokes us.
      try (ScriptedPeer peer =
          ScriptedPeer.choking(session, torrent, new Bitfield(new byte[] {0x40}))) {
        peer.await(Signal.INTERESTED);
        await().atMost(WAIT).until(() -> session.held(piece) == piece);
        assertThat(session.held(0)).as("nobody has piece 0").isZero();
        assertThat(session.available(piece)).as("it chokes us").isZero();

        peer.write(Signal.UNCHOKE);
        await().atMost(WAIT).until(() -> session.available(piece) == piece);

        peer.write(Signal.CHOKE);
        await().atMost(WAIT).until(() -> session.available(piece) == 0);
        assertThat(session.held(piece)).isEqualTo(piece);
      }
    }
  }

  @Test
  void interestEndsOnceWeHaveEveryPieceThePeerHas() throws Exception {
    int piece = 64 * 1024;
    Path file = dir.resolve("content");
    SwarmFiles.write(file, 2 * piece, 42);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    // A copy that gains piece 1 from elsewhere (the origin), as a download does.
    AtomicBoolean gained = new AtomicBoolean();
    LocalPieces growing =
        new LocalPieces() {
          @Override
          public boolean has(int p) {
            return p == 1 && gained.get();
          }

          @Override
          public void read(long offset, ByteBuffer dst) throws IOException {
            LocalPieces.ofFile(file).read(offset, dst);
          }
        };
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, growing);
      try (ScriptedPeer peer =
          ScriptedPeer.choking(session, torrent, new Bitfield(new byte[] {0x40}))) {
        peer.await(Signal.INTERESTED);

        gained.set(true);

        peer.await(new Have(1));
        peer.await(Signal.NOT_INTERESTED);
      }
    }
  }
}
