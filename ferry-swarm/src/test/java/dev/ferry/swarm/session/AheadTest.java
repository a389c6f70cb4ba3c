package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Signal;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * While fetches are made, a peer with room in its pipeline and none of the wanted pieces left to
 * ask for is asked for other pieces ({@link Ahead}); a piece fetched ahead is kept, checked, and a
 * fetch of it completes at once, even once its sender is gone. A {@link ScriptedPeer} plays the
 * seed.
 */
class AheadTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void aPieceFetchedAheadIsKeptAndAFetchOfItCompletesAtOnce() throws Exception {
    // Four blocks a piece: a pipeline of MIN_PIPELINE asks for more than the one piece wanted.
    int piece = 4 * Wanted.BLOCK;
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 8 * piece, 51);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, piece);
    try (Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(-1))) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      try (ScriptedPeer seed = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL)) {
        CompletableFuture<ByteBuffer> first = session.fetch(0);
        List<BlockRef> asked = seed.requests(PiecePicker.MIN_PIPELINE);
        assertThat(asked.subList(0, 4)).allMatch(ref -> ref.piece() == 0);
        assertThat(asked.subList(4, asked.size()))
            .as("the rest of the pipeline: pieces no fetch wants yet")
            .allMatch(ref -> ref.piece() != 0);
        for (BlockRef ref : asked) {
          seed.send(content, ref);
        }
        assertThat(bytes(first.get(60, TimeUnit.SECONDS)))
            .isEqualTo(Arrays.copyOfRange(content, 0, piece));
        int ahead = asked.get(4).piece();
        await().atMost(WAIT).until(() -> session.kept().get(ahead));
        seed.write(Signal.CHOKE);
      }
      await().atMost(WAIT).until(() -> session.peers().isEmpty());
      int ahead = session.kept().nextSetBit(0);
      assertThat(session.available((long) ahead * piece))
          .as("kept here: available with no peer")
          .isGreaterThanOrEqualTo(piece);

      CompletableFuture<ByteBuffer> kept = session.fetch(ahead);
      assertThat(kept).as("no peer is needed").isDone();
      assertThat(bytes(kept.get()))
          .isEqualTo(Arrays.copyOfRange(content, ahead * piece, (ahead + 1) * piece));
      assertThat(session.kept().get(ahead)).as("taken: no longer kept").isFalse();
    }
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }
}
