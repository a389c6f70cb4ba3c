package dev.ferry.swarm.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import dev.ferry.api.JobOwner;
import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The content cache on real files and a real SQLite index, with a clock and machine readings of the
 * test's: DO's limits (age, size with pins, file size, memory and disk minimums), restarts, pieces
 * checked as they are read, and owners.
 */
class ContentCacheTest {
  private static final int PIECE = 64 * 1024;

  /** Each test file: four pieces. */
  private static final int SIZE = 4 * PIECE;

  private static final JobOwner ROOT = new JobOwner(0, "root");
  private static final JobOwner ALICE = new JobOwner(1000, "alice");
  private static final JobOwner BOB = new JobOwner(1001, "bob");

  /** Files of at least three pieces are cached; the limit holds four files. */
  private static final CachePolicy POLICY =
      CachePolicy.DEFAULTS.withMinFileSizeToCache(3L * PIECE).withAbsoluteMaxCacheSize(4L * SIZE);

  @TempDir Path downloads;
  @TempDir Path data;

  private final FakeClock clock = new FakeClock(Instant.parse("2025-06-01T10:00:00Z"));
  private final FakeMachine machine = new FakeMachine();
  private final List<Removal> removed = new ArrayList<>();
  private Path dir;
  private ContentCache cache;

  @BeforeEach
  void open() throws IOException {
    dir = data.resolve("peer-cache");
    cache = open(POLICY);
  }

  @AfterEach
  void close() throws IOException {
    cache.close();
  }

  private ContentCache open(CachePolicy policy) throws IOException {
    ContentCache opened = ContentCache.open(dir, policy, clock, machine);
    opened.onRemoved(removed::add);
    return opened;
  }

  @Test
  void entriesSurviveARestartInAPrivateDirectory() throws Exception {
    byte[] bytes = write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    write("b.iso", SIZE, 2);
    SingleFileTorrent b = torrent("b.iso");
    cache.add(downloads.resolve("a.iso"), a, ALICE.uid());
    clock.advance(Duration.ofMinutes(5));
    cache.add(downloads.resolve("b.iso"), b, BOB.uid());
    cache.pin(ALICE, a.infoHash(), true);
    clock.advance(Duration.ofMinutes(5));
    readPiece(cache.serve(a.infoHash()).orElseThrow().pieces(), 1);
    List<CacheEntry> before = cache.entries();

    cache.close();
    cache = open(POLICY);

    assertThat(cache.entries()).isEqualTo(before);
    CacheEntry first = cache.entries().getFirst();
    assertThat(first.infoHash()).isEqualTo(a.infoHash());
    assertThat(first.name()).isEqualTo("a.iso");
    assertThat(first.size()).isEqualTo(SIZE);
    assertThat(first.owner()).isEqualTo(ALICE.uid());
    assertThat(first.pinned()).isTrue();
    assertThat(first.lastServed()).contains(clock.now());
    assertThat(first.age(clock.now())).isEqualTo(Duration.ofMinutes(10));
    assertThat(cache.entries().get(1).lastServed()).isEmpty();
    assertThat(readAll(cache.serve(a.infoHash()).orElseThrow())).isEqualTo(bytes);
    assertThat(Files.getPosixFilePermissions(dir))
        .isEqualTo(PosixFilePermissions.fromString("rwx------"));
    assertThat(Files.getPosixFilePermissions(dir.resolve("content").resolve(a.infoHash().hex())))
        .isEqualTo(PosixFilePermissions.fromString("r--------"));
    assertThat(cache.bytesHeld()).isEqualTo(2L * SIZE);
  }

  @Test
  void aSecondCacheOnTheSameDirectoryIsRefused() {
    assertThatThrownBy(() -> ContentCache.open(dir, POLICY, clock, machine))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("in use");
  }

  @Test
  void theCacheKeepsACopySoTheUsersFileCannotChangeIt() throws Exception {
    byte[] bytes = write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    cache.add(downloads.resolve("a.iso"), a, ALICE.uid());

    flipByte(downloads.resolve("a.iso"), PIECE + 7);

    assertThat(readAll(cache.serve(a.infoHash()).orElseThrow())).isEqualTo(bytes);
    assertThat(cache.maintain()).isEmpty();
  }

  @Test
  void filesSmallerThanTheMinimumAreNotCached() throws Exception {
    write("small", 3 * PIECE - 1, 1);
    SingleFileTorrent small = torrent("small");

    assertThatThrownBy(() -> cache.add(downloads.resolve("small"), small, ALICE.uid()))
        .isInstanceOfSatisfying(
            CacheRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(CacheRefusal.Reason.TOO_SMALL));
    assertThat(cache.entries()).isEmpty();
    assertThat(cache.serve(small.infoHash())).isEmpty();
    try (var files = Files.list(dir.resolve("content"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void aFileThatIsNotTheContentIsRefused() throws Exception {
    write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    flipByte(downloads.resolve("a.iso"), 3 * PIECE);

    assertThatThrownBy(() -> cache.add(downloads.resolve("a.iso"), a, ALICE.uid()))
        .isInstanceOfSatisfying(
            CacheRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(CacheRefusal.Reason.NOT_THE_CONTENT));
    assertThat(cache.entries()).isEmpty();
    try (var files = Files.list(dir.resolve("content"))) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void tooLittleMemoryNeitherCachesNorServes() throws Exception {
    write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    machine.memory(4 * FakeMachine.GB - 1);

    assertThatThrownBy(() -> cache.add(downloads.resolve("a.iso"), a, ALICE.uid()))
        .isInstanceOfSatisfying(
            CacheRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(CacheRefusal.Reason.MEMORY_BELOW_MINIMUM));
    assertThat(cache.servesPeers()).isFalse();

    machine.memory(4 * FakeMachine.GB);
    cache.add(downloads.resolve("a.iso"), a, ALICE.uid());
    assertThat(cache.serve(a.infoHash())).isPresent();

    machine.memory(2 * FakeMachine.GB);
    assertThat(cache.serve(a.infoHash())).isEmpty();
  }

  @Test
  void aDiskUnderTheMinimumHoldsNoCache() throws Exception {
    write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    write("b.iso", SIZE, 2);
    SingleFileTorrent b = torrent("b.iso");
    cache.add(downloads.resolve("a.iso"), a, ALICE.uid());
    machine.disk(32 * FakeMachine.GB - 1);

    assertThatThrownBy(() -> cache.add(downloads.resolve("b.iso"), b, ALICE.uid()))
        .isInstanceOfSatisfying(
            CacheRefusal.class,
            e -> assertThat(e.reason()).isEqualTo(CacheRefusal.Reason.DISK_BELOW_MINIMUM));
    assertThat(cache.servesPeers()).isFalse();
    assertThat(cache.serve(a.infoHash())).isEmpty();
    assertThat(cache.capacity()).isZero();
    assertThat(cache.maintain()).extracting(Removal::reason).containsExactly(Removal.Reason.SIZE);
    assertThat(cache.entries()).isEmpty();
  }

  @Test
  void entriesOlderThanTheMaxAgeGoUnlessPinned() throws Exception {
    SingleFileTorrent a = add("a.iso", 1, ALICE);
    SingleFileTorrent b = add("b.iso", 2, ALICE);
    cache.pin(ALICE, b.infoHash(), true);

    // a is exactly DOMaxCacheAge old (added two minutes ago): kept.
    clock.advance(Duration.ofSeconds(259_200).minusMinutes(2));
    assertThat(cache.maintain()).isEmpty();

    clock.advance(Duration.ofSeconds(1));
    List<Removal> removals = cache.maintain();

    assertThat(removals).extracting(r -> r.entry().infoHash()).containsExactly(a.infoHash());
    assertThat(removals).extracting(Removal::reason).containsExactly(Removal.Reason.AGE);
    assertThat(removed).isEqualTo(removals);
    assertThat(cache.entries()).extracting(CacheEntry::infoHash).containsExactly(b.infoHash());
    assertThat(dir.resolve("content").resolve(a.infoHash().hex())).doesNotExist();

    // DOMaxCacheAge 0: no limit of age.
    cache.pin(ALICE, b.infoHash(), false);
    cache.close();
    cache = open(POLICY.withMaxCacheAge(Duration.ZERO));
    clock.advance(Duration.ofDays(365));
    assertThat(cache.maintain()).isEmpty();
  }

  @Test
  void overTheLimitTheLeastRecentlyServedUnpinnedEntriesGoFirst() throws Exception {
    SingleFileTorrent a = add("a.iso", 1, ALICE);
    SingleFileTorrent b = add("b.iso", 2, ALICE);
    SingleFileTorrent c = add("c.iso", 3, ALICE);
    SingleFileTorrent d = add("d.iso", 4, ALICE);
    // a, the oldest, is pinned; b is served after c and d were added.
    cache.pin(ALICE, a.infoHash(), true);
    readPiece(cache.serve(b.infoHash()).orElseThrow().pieces(), 0);
    clock.advance(Duration.ofMinutes(1));

    SingleFileTorrent e = add("e.iso", 5, ALICE);
    assertThat(removed).extracting(r -> r.entry().infoHash()).containsExactly(c.infoHash());
    SingleFileTorrent f = add("f.iso", 6, ALICE);
    assertThat(removed)
        .extracting(r -> r.entry().infoHash())
        .containsExactly(c.infoHash(), d.infoHash());
    assertThat(removed).extracting(Removal::reason).containsOnly(Removal.Reason.SIZE);
    assertThat(cache.entries())
        .extracting(CacheEntry::infoHash)
        .containsExactly(a.infoHash(), b.infoHash(), e.infoHash(), f.infoHash());
    assertThat(cache.bytesHeld()).isEqualTo(4L * SIZE);

    // Pinned entries count toward the limit: with all four pinned, nothing more fits.
    for (SingleFileTorrent t : List.of(b, e, f)) {
      cache.pin(ALICE, t.infoHash(), true);
    }
    write("g.iso", SIZE, 7);
    SingleFileTorrent g = torrent("g.iso");
    assertThatThrownBy(() -> cache.add(downloads.resolve("g.iso"), g, ALICE.uid()))
        .isInstanceOfSatisfying(
            CacheRefusal.class,
            ex -> assertThat(ex.reason()).isEqualTo(CacheRefusal.Reason.TOO_LARGE));
    assertThat(cache.entries()).hasSize(4);

    // A lower limit at the next start: pinned entries stay, even over it.
    cache.close();
    cache = open(POLICY.withAbsoluteMaxCacheSize(SIZE));
    assertThat(cache.maintain()).isEmpty();
    assertThat(cache.bytesHeld()).isEqualTo(4L * SIZE);
    cache.pin(ROOT, b.infoHash(), false);
    assertThat(cache.maintain())
        .extracting(r -> r.entry().infoHash())
        .containsExactly(b.infoHash());
  }

  @Test
  void aPieceChangedInTheCacheIsNeverServedAndDropsTheEntry() throws Exception {
    byte[] bytes = write("a.iso", SIZE, 1);
    SingleFileTorrent a = torrent("a.iso");
    cache.add(downloads.resolve("a.iso"), a, ALICE.uid());
    LocalPieces pieces = cache.serve(a.infoHash()).orElseThrow().pieces();
    assertThat(readPiece(pieces, 0)).isEqualTo(Arrays.copyOfRange(bytes, 0, PIECE));

    // Same size and time: only the piece's check can tell.
    Path cached = dir.resolve("content").resolve(a.infoHash().hex());
    FileTime time = Files.getLastModifiedTime(cached);
    Files.setPosixFilePermissions(cached, PosixFilePermissions.fromString("rw-------"));
    flipByte(cached, 2 * PIECE + 100);
    Files.setLastModifiedTime(cached, time);
    assertThat(cache.maintain()).isEmpty();

    assertThatThrownBy(() -> readPiece(pieces, 2))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("piece 2 fails its check");
    assertThat(pieces.has(0)).isFalse();
    assertThatThrownBy(() -> readPiece(pieces, 0)).isInstanceOf(IOException.class);
    assertThat(removed).extracting(Removal::reason).containsExactly(Removal.Reason.CHANGED);
    assertThat(cache.entries()).isEmpty();
    assertThat(cache.serve(a.infoHash())).isEmpty();
    assertThat(cached).doesNotExist();
  }

  @Test
  void aChangedOrDeletedFileIsDroppedAtTheNextCheckAndAtStart() throws Exception {
    SingleFileTorrent a = add("a.iso", 1, ALICE);
    SingleFileTorrent b = add("b.iso", 2, ALICE);
    SingleFileTorrent c = add("c.iso", 3, ALICE);
    cache.pin(ALICE, a.infoHash(), true);
    Path content = dir.resolve("content");

    Files.delete(content.resolve(a.infoHash().hex()));
    Files.setPosixFilePermissions(
        content.resolve(b.infoHash().hex()), PosixFilePermissions.fromString("rw-------"));
    try (RandomAccessFile cut =
        new RandomAccessFile(content.resolve(b.infoHash().hex()).toFile(), "rw")) {
      cut.setLength(SIZE - 1);
    }
    assertThat(cache.maintain())
        .extracting(r -> r.entry().infoHash(), Removal::reason)
        .containsExactlyInAnyOrder(
            tuple(a.infoHash(), Removal.Reason.MISSING),
            tuple(b.infoHash(), Removal.Reason.CHANGED));

    // While closed: c's file cut, and a stray file that no entry names.
    cache.close();
    Files.setPosixFilePermissions(
        content.resolve(c.infoHash().hex()), PosixFilePermissions.fromString("rw-------"));
    try (RandomAccessFile cut =
        new RandomAccessFile(content.resolve(c.infoHash().hex()).toFile(), "rw")) {
      cut.setLength(PIECE);
    }
    Files.write(content.resolve(".stray.part"), new byte[10]);
    cache = open(POLICY);

    assertThat(cache.entries()).isEmpty();
    try (var files = Files.list(content)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void usersSeeAndChangeOnlyTheirOwnEntriesAndRootAll() throws Exception {
    SingleFileTorrent a = add("a.iso", 1, ALICE);
    SingleFileTorrent b = add("b.iso", 2, BOB);

    assertThat(cache.list(ALICE)).extracting(CacheEntry::infoHash).containsExactly(a.infoHash());
    assertThat(cache.list(BOB)).extracting(CacheEntry::infoHash).containsExactly(b.infoHash());
    assertThat(cache.list(ROOT))
        .extracting(CacheEntry::infoHash)
        .containsExactly(a.infoHash(), b.infoHash());

    assertThat(cache.pin(BOB, a.infoHash(), true)).isFalse();
    assertThat(cache.delete(BOB, a.infoHash())).isFalse();
    assertThat(cache.list(ALICE)).singleElement().satisfies(e -> assertThat(e.pinned()).isFalse());

    assertThat(cache.pin(ALICE, a.infoHash(), true)).isTrue();
    assertThat(cache.list(ALICE)).singleElement().satisfies(e -> assertThat(e.pinned()).isTrue());
    assertThat(cache.delete(ROOT, a.infoHash())).isTrue();
    assertThat(cache.delete(BOB, b.infoHash())).isTrue();
    assertThat(cache.delete(BOB, b.infoHash())).isFalse();
    assertThat(removed).extracting(Removal::reason).containsOnly(Removal.Reason.DELETED);
    assertThat(cache.list(ROOT)).isEmpty();
  }

  @Test
  void theSameContentIsCachedOnceForItsFirstOwner() throws Exception {
    SingleFileTorrent a = add("a.iso", 1, ALICE);
    Files.copy(downloads.resolve("a.iso"), downloads.resolve("copy.iso"));

    CacheEntry again = cache.add(downloads.resolve("copy.iso"), a, BOB.uid());

    assertThat(again.owner()).isEqualTo(ALICE.uid());
    assertThat(again.name()).isEqualTo("a.iso");
    assertThat(cache.list(BOB)).isEmpty();
    assertThat(cache.entries()).hasSize(1);
  }

  // --- helpers

  /** Writes a test file of {@link #SIZE} bytes and adds it for {@code owner}; a minute passes. */
  private SingleFileTorrent add(String name, long seed, JobOwner owner) throws Exception {
    write(name, SIZE, seed);
    SingleFileTorrent torrent = torrent(name);
    cache.add(downloads.resolve(name), torrent, owner.uid());
    clock.advance(Duration.ofMinutes(1));
    return torrent;
  }

  private byte[] write(String name, int size, long seed) throws IOException {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    Files.write(downloads.resolve(name), bytes);
    return bytes;
  }

  private SingleFileTorrent torrent(String name) throws IOException {
    return CanonicalTorrent.of(downloads.resolve(name), PIECE);
  }

  private static void flipByte(Path file, long at) throws IOException {
    try (RandomAccessFile changed = new RandomAccessFile(file.toFile(), "rw")) {
      changed.seek(at);
      int b = changed.read();
      changed.seek(at);
      changed.write(b ^ 0x01);
    }
  }

  private static byte[] readPiece(LocalPieces pieces, int piece) throws IOException {
    ByteBuffer dst = ByteBuffer.allocate(PIECE);
    pieces.read((long) piece * PIECE, dst);
    return dst.array();
  }

  private static byte[] readAll(CachedContent cached) throws IOException {
    ByteBuffer all = ByteBuffer.allocate(Math.toIntExact(cached.torrent().length()));
    cached.pieces().read(0, all);
    return all.array();
  }
}
