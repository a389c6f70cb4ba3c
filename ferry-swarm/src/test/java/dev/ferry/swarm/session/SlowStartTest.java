package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.wire.Message.BlockRef;
import dev.ferry.swarm.wire.Message.Signal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A peer's pipeline starts at {@link PiecePicker#MIN_PIPELINE} and grows by one request with each
 * block it sends, doubling each round trip, until its rate is first measured; from then on it
 * follows the rate. The session's clock is the test's, so the first measure comes when the test
 * says; a {@link ScriptedPeer} plays the seed.
 */
class SlowStartTest {
  private static final int BLOCKS = 8 * PiecePicker.MIN_PIPELINE;

  @TempDir Path dir;

  private final FakeClock clock = new FakeClock();
  private byte[] content;
  private Swarm swarm;
  private TorrentSession session;
  private ScriptedPeer seed;

  @BeforeEach
  void connectASeed() throws Exception {
    Path file = dir.resolve("content");
    content = SwarmFiles.write(file, BLOCKS * Wanted.BLOCK, 41);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, BLOCKS * Wanted.BLOCK);
    swarm = Swarm.start(SwarmSettings.defaults().withPort(-1).withClock(clock));
    session = swarm.add(torrent, LocalPieces.none());
    seed = ScriptedPeer.connect(session, torrent, Signal.HAVE_ALL);
  }

  @AfterEach
  void close() throws Exception {
    try {
      seed.close();
    } finally {
      swarm.close();
    }
  }

  @Test
  void eachBlockAPeerSendsAsksItForTwoMoreUntilItsRateIsMeasured() throws Exception {
    session.fetch(0);
    List<BlockRef> first = seed.requests(PiecePicker.MIN_PIPELINE);
    for (BlockRef ref : first) {
      seed.send(content, ref);
    }

    List<BlockRef> next = seed.requests(2 * PiecePicker.MIN_PIPELINE);
    assertThat(next).allMatch(ref -> ref.piece() == 0).doesNotHaveDuplicates();
    assertThat(next).doesNotContainAnyElementsOf(first);
    PeerView view = session.peers().getFirst();
    assertThat(view.requests()).isEqualTo(2 * PiecePicker.MIN_PIPELINE);
    assertThat(view.requestTarget()).isEqualTo(2 * PiecePicker.MIN_PIPELINE);
  }

  @Test
  void onceItsRateIsMeasuredItIsAskedForWhatThatRateCarries() throws Exception {
    session.fetch(0);
    for (BlockRef ref : seed.requests(PiecePicker.MIN_PIPELINE)) {
      seed.send(content, ref);
    }
    List<BlockRef> next = seed.requests(2 * PiecePicker.MIN_PIPELINE);

    // 16 blocks in 2 s: 8 a second, under the floor.
    clock.advance(Duration.ofSeconds(2));
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> session.peers().getFirst().requestTarget() == PiecePicker.MIN_PIPELINE);

    long before = session.peers().getFirst().downloaded();
    seed.send(content, next.getFirst());
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> session.peers().getFirst().downloaded() > before);
    PeerView view = session.peers().getFirst();
    assertThat(view.requestTarget()).as("no longer grown by a block").isEqualTo(16);
    assertThat(view.requests())
        .as("more than the target in flight already: none asked for the block")
        .isEqualTo(2 * PiecePicker.MIN_PIPELINE - 1);
  }
}
