package dev.ferry.swarm.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The swarm's upload cap, on a clock the test moves: what the limiter grants over any span of that
 * clock stays within its burst plus the cap times the span, and with senders waiting it grants
 * exactly that. Real sockets carry the bytes; only the accounting is asserted, never wall time.
 */
class UploadCapTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int BLOCK = 16 * 1024;
  private static final long CAP = 4 * BLOCK;

  /**
   * The time the cap takes to grant one block. The clock moves in such steps: a bucket holds at
   * most its burst, so a longer jump would grant no more than the burst, not the cap times the
   * jump, and the test could not tell a cap that holds from one that starves.
   */
  private static final Duration STEP = Duration.ofMillis(1000 * BLOCK / CAP);

  @TempDir Path dir;

  @Test
  void theLimiterGrantsNoMoreThanItsBurstPlusTheCapOverTime() throws Exception {
    FakeClock clock = new FakeClock();
    UploadLimiter limiter = new UploadLimiter(CAP, clock);
    AtomicLong taken = new AtomicLong();
    List<Thread> senders = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      senders.add(
          Thread.ofVirtual()
              .start(() -> {
                try {
                  while (true) {
                    limiter.acquire(BLOCK);
                    taken.addAndGet(BLOCK);
                  }
                } catch (InterruptedException e) {
                  // Stopped by the test.
                }
              }));
    }
    try {
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(limiter.granted()).isEqualTo(limiter.burst()));
      for (int step = 1; step <= 12; step++) {
        clock.advance(STEP);
        long allowed = limiter.burst() + BLOCK * step;
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(limiter.granted()).isEqualTo(allowed));
        assertThat(taken.get()).isLessThanOrEqualTo(allowed);
      }
    } finally {
      senders.forEach(Thread::interrupt);
    }
  }

  @Test
  void servedBytesStayWithinTheCapOfTheSeedsClock() throws Exception {
    Path file = dir.resolve("content");
    byte[] content = SwarmFiles.write(file, 1024 * 1024, 21);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, 64 * 1024);
    FakeClock clock = new FakeClock();
    SwarmSettings base = SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
    try (Swarm seeder = Swarm.start(base.withUploadBytesPerSecond(CAP).withClock(clock));
        Swarm leecher = Swarm.start(base.withPort(-1))) {
      TorrentSession seed = seeder.add(torrent, LocalPieces.ofFile(file));
      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      List<CompletableFuture<ByteBuffer>> fetches = new ArrayList<>();
      for (int piece = 0; piece < torrent.tree().pieceCount(); piece++) {
        fetches.add(session.fetch(piece));
      }
      UploadLimiter limiter = seeder.limiter();
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(limiter.granted()).isEqualTo(limiter.burst()));

      for (int step = 1; step <= 12; step++) {
        clock.advance(STEP);
        long allowed = limiter.burst() + BLOCK * step;
        // The leecher asks for far more than the cap: the seed sends exactly what it may.
        await()
            .atMost(Duration.ofSeconds(30))
            .untilAsserted(() -> assertThat(limiter.granted()).isEqualTo(allowed));
        assertThat(seed.stats().bytesUploaded()).isLessThanOrEqualTo(allowed);
      }

      // The rest of the file, a block at a time, so that the fetch completes.
      while (!fetches.stream().allMatch(CompletableFuture::isDone)) {
        long before = limiter.granted();
        clock.advance(STEP);
        await()
            .atMost(Duration.ofSeconds(30))
            .until(() ->
                limiter.granted() > before || fetches.stream().allMatch(CompletableFuture::isDone));
      }
      ByteBuffer whole = ByteBuffer.allocate(content.length);
      for (CompletableFuture<ByteBuffer> fetch : fetches) {
        whole.put(fetch.join());
      }
      assertThat(whole.array()).isEqualTo(content);
      assertThat(seeder.totals().bytesUploaded()).isEqualTo(content.length);
    }
  }
}
