package dev.ferry.swarm.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cache entry served to a Ferry peer on loopback, as the wiring is to do it ({@code
 * Swarm.add(torrent, pieces)}, and the swarm told of removals): its pieces arrive and mark it
 * served; a piece changed in the cache under the same size and time never arrives, and the entry is
 * dropped and leaves the swarm.
 */
class CachedContentSwarmTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int PIECE = 64 * 1024;
  private static final int SIZE = 8 * PIECE;

  /** Generous bound on a loaded machine: not a measurement. */
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path downloads;
  @TempDir Path data;

  private final FakeClock clock = new FakeClock(Instant.parse("2025-06-01T10:00:00Z"));
  private final CachePolicy policy = CachePolicy.DEFAULTS.withMinFileSizeToCache(PIECE);

  private static SwarmSettings settings() {
    return SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0);
  }

  @Test
  void aPeerGetsTheCachedPiecesButNeverAChangedOne() throws Exception {
    Path file = downloads.resolve("update.cab");
    byte[] bytes = new byte[SIZE];
    new Random(5).nextBytes(bytes);
    Files.write(file, bytes);
    SingleFileTorrent torrent = CanonicalTorrent.of(file, PIECE);

    try (ContentCache cache =
            ContentCache.open(data.resolve("cache"), policy, clock, new FakeMachine());
        Swarm seeder = Swarm.start(settings());
        Swarm leecher = Swarm.start(settings().withPort(-1))) {
      cache.onRemoved(removal -> seeder.remove(removal.entry().infoHash()));
      cache.add(file, torrent, 1000);
      CachedContent cached = cache.serve(torrent.infoHash()).orElseThrow();
      seeder.add(cached.torrent(), cached.pieces());

      TorrentSession first = leecher.add(torrent, LocalPieces.none());
      first.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      await().atMost(WAIT).until(() -> first.available(0) == torrent.length());

      ByteBuffer piece = first.fetch(0).get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(toArray(piece)).isEqualTo(Arrays.copyOfRange(bytes, 0, PIECE));
      assertThat(cache.entries())
          .singleElement()
          .satisfies(e -> assertThat(e.lastServed()).contains(clock.now()));
      // Sessions of their own for what follows: the leecher's may have fetched further pieces
      // ahead, and the seeder's keeps the pieces it checked while it serves them.
      leecher.remove(torrent.infoHash());
      seeder.remove(torrent.infoHash());
      seeder.add(cached.torrent(), cached.pieces());

      // Pieces 2 and 3 change in the cache; size and time stay, so only their check can tell.
      Path inCache = cache.directory().resolve("content").resolve(torrent.infoHash().hex());
      FileTime time = Files.getLastModifiedTime(inCache);
      Files.setPosixFilePermissions(inCache, PosixFilePermissions.fromString("rw-------"));
      try (RandomAccessFile changed = new RandomAccessFile(inCache.toFile(), "rw")) {
        changed.seek(2L * PIECE + 5);
        changed.write(bytes[2 * PIECE + 5] ^ 0x40);
        changed.seek(3L * PIECE + 5);
        changed.write(bytes[3 * PIECE + 5] ^ 0x40);
      }
      Files.setLastModifiedTime(inCache, time);

      TorrentSession session = leecher.add(torrent, LocalPieces.none());
      session.connect(new InetSocketAddress(LOOPBACK, seeder.port()));
      // The first seeder session's writers may still be reading pieces the first leecher fetched
      // ahead: one that reads piece 2 or 3 now finds the change and drops the entry before this
      // session sees the seeder. Either way the changed pieces are never handed over.
      await()
          .atMost(WAIT)
          .until(() -> session.available(0) == torrent.length() || cache.entries().isEmpty());
      CompletableFuture<ByteBuffer> changed = session.fetch(2);
      await().atMost(WAIT).until(() -> cache.entries().isEmpty());

      assertThat(seeder.find(torrent.infoHash())).isEmpty();
      assertThat(inCache).doesNotExist();
      assertThat(changed.isDone() && !changed.isCompletedExceptionally()).isFalse();
      assertThat(session.stats().rejectedBytes()).isZero();
    }
  }

  private static byte[] toArray(ByteBuffer buffer) {
    byte[] out = new byte[buffer.remaining()];
    buffer.duplicate().get(out);
    return out;
  }
}
