package dev.ferry.swarm.cache;

import dev.ferry.api.JobOwner;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.Clock;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content Delivery Optimization keeps for peers: completed files, each copied with its v2
 * torrent into a directory of the daemon's own, kept within {@link CachePolicy}'s limits and served
 * to peers as pieces checked when read ({@link #serve}).
 *
 * <p>The directory ({@code 0700}, owned by the daemon's user; one process at a time, by a lock on
 * {@code lock}) holds {@code index.db}, the index ({@link CacheIndex}: SQLite, each entry's owner,
 * size, times, pin and torrent), and {@code content/}, one file per entry named after its info-hash
 * ({@code 0400}). Adding copies the file (the JDK copies with {@code copy_file_range}, which file
 * systems that can share extents, such as btrfs and XFS, may serve as a reflink), so that the
 * user's file and the cache's bytes never change each other; the copy, not the user's file, is
 * checked against the torrent before it becomes an entry.
 *
 * <p>Eviction: an entry older than DOMaxCacheAge goes; while the cache holds more than its limit,
 * the unpinned entries served least recently (an entry never served counts from when it was added)
 * go first. Pinned entries are never evicted by age or size, but their bytes count toward the
 * limit, so pinning can leave no room for anything else. {@link #add} evicts to make room, {@link
 * #maintain} (to be called now and then) checks every entry's file and evicts. An entry whose file
 * is missing or changed (size, modification time, a piece failing its check as it is read) is
 * dropped, pinned or not. Removals are told to the {@link Removal.Listener}s.
 *
 * <p>Owners: every entry has the uid of the user whose file it came from. {@link #list}, {@link
 * #pin} and {@link #delete} show and change a user's own entries only; uid 0, the administrator,
 * sees and changes all. The same content added by another user stays its first owner's entry.
 *
 * <p>Thread-safe: one lock guards the entries and the index; copies and hashing run outside it.
 */
public final class ContentCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ContentCache.class);
  private static final String INDEX = "index.db";
  private static final String CONTENT = "content";
  private static final String LOCK = "lock";
  private static final String PART = ".part";
  private static final Set<PosixFilePermission> PRIVATE_DIR =
      PosixFilePermissions.fromString("rwx------");

  /** How stale a last-served time may be in the index: kept exact in memory, written this often. */
  static final Duration SERVED_WRITES = Duration.ofMinutes(1);

  /** A held entry. Its entry and {@code servedWritten} are guarded by the cache's lock. */
  static final class Slot {
    private final SingleFileTorrent torrent;
    private final PieceHashes hashes;
    private final Path file;
    private final long fileTime;
    private volatile boolean held = true;
    private CacheEntry entry;
    private Optional<Instant> servedWritten;

    Slot(CacheEntry entry, SingleFileTorrent torrent, Path file, long fileTime) {
      this.entry = entry;
      this.torrent = torrent;
      this.hashes = PieceHashes.of(torrent.tree());
      this.file = file;
      this.fileTime = fileTime;
      this.servedWritten = entry.lastServed();
    }

    boolean held() {
      return held;
    }

    InfoHash hash() {
      return torrent.infoHash();
    }

    long size() {
      return torrent.length();
    }

    PieceHashes hashes() {
      return hashes;
    }

    Path file() {
      return file;
    }
  }

  private final Path dir;
  private final Path content;
  private final CachePolicy policy;
  private final Clock clock;
  private final Machine machine;
  private final FileChannel lockFile;
  private final CacheIndex index;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<InfoHash, Slot> slots = new HashMap<>();
  private final List<Removal.Listener> listeners = new CopyOnWriteArrayList<>();
  private boolean closed;

  private ContentCache(
      Path dir,
      CachePolicy policy,
      Clock clock,
      Machine machine,
      FileChannel lockFile,
      CacheIndex index) {
    this.dir = dir;
    this.content = dir.resolve(CONTENT);
    this.policy = policy;
    this.clock = clock;
    this.machine = machine;
    this.lockFile = lockFile;
    this.index = index;
  }

  /**
   * Opens the cache in {@code dir}, made ({@code 0700}) when missing; an existing one must be a
   * directory of this process's user, not a link. Entries come back from the index after a quick
   * check (their file is there, with its size and time); files nobody indexes are deleted.
   */
  public static ContentCache open(Path dir, CachePolicy policy, Clock clock, Machine machine)
      throws IOException {
    Path root = dir.toAbsolutePath().normalize();
    privateDirectory(root);
    privateDirectory(root.resolve(CONTENT));
    FileChannel lockFile =
        FileChannel.open(
            root.resolve(LOCK),
            Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    CacheIndex index = null;
    try {
      FileLock held;
      try {
        held = lockFile.tryLock();
      } catch (OverlappingFileLockException e) {
        held = null;
      }
      if (held == null) {
        throw new IOException(root + " is in use by another content cache");
      }
      index = CacheIndex.open(root.resolve(INDEX));
      ContentCache cache = new ContentCache(root, policy, clock, machine, lockFile, index);
      cache.load();
      return cache;
    } catch (IOException | RuntimeException e) {
      if (index != null) {
        index.close();
      }
      lockFile.close();
      throw e;
    }
  }

  /** Tells {@code listener} of every removal from now on. */
  public void onRemoved(Removal.Listener listener) {
    listeners.add(listener);
  }

  public CachePolicy policy() {
    return policy;
  }

  /** The cache's directory. */
  public Path directory() {
    return dir;
  }

  /**
   * Whether this machine caches and serves from its cache: its memory is at least
   * DOMinRAMAllowedToPeer (or cannot be read) and the cache's disk at least
   * DOMinDiskSizeAllowedToPeer.
   */
  public boolean servesPeers() {
    long memory = machine.memorySize();
    return (memory < 0 || memory >= policy.minRamAllowedToPeer()) && diskHoldsCache();
  }

  /**
   * The most the cache holds, in bytes: DOMaxCacheSize's share of its disk, or
   * DOAbsoluteMaxCacheSize when set and smaller; 0 on a disk under DOMinDiskSizeAllowedToPeer.
   */
  public long capacity() throws IOException {
    long disk = machine.diskSize(dir);
    return disk < policy.minDiskSizeAllowedToPeer() ? 0 : policy.capacity(disk);
  }

  /** The bytes of every entry, pinned ones included. */
  public long bytesHeld() {
    return locked(() -> slots.values().stream().mapToLong(Slot::size).sum());
  }

  /**
   * Adds {@code file}, a completed download whose content {@code torrent} describes, for user
   * {@code owner}: copies it into the cache, checks every piece of the copy, and evicts what the
   * limits then ask. Content already cached is not copied again: its entry is returned as it is.
   * Hashes the whole file: call it off any thread that must not wait for the disk.
   *
   * @throws CacheRefusal when a policy or the content's check refuses it; nothing is kept
   */
  public CacheEntry add(Path file, SingleFileTorrent torrent, long owner)
      throws IOException, CacheRefusal {
    InfoHash hash = torrent.infoHash();
    long size = torrent.length();
    long memory = machine.memorySize();
    if (memory >= 0 && memory < policy.minRamAllowedToPeer()) {
      throw new CacheRefusal(
          CacheRefusal.Reason.MEMORY_BELOW_MINIMUM,
          "this machine has "
              + memory
              + " bytes of memory, under DOMinRAMAllowedToPeer ("
              + policy.minRamAllowedToPeer()
              + ")");
    }
    if (!diskHoldsCache()) {
      throw new CacheRefusal(
          CacheRefusal.Reason.DISK_BELOW_MINIMUM,
          "the cache's disk is smaller than DOMinDiskSizeAllowedToPeer ("
              + policy.minDiskSizeAllowedToPeer()
              + " bytes)");
    }
    if (size < policy.minFileSizeToCache()) {
      throw new CacheRefusal(
          CacheRefusal.Reason.TOO_SMALL,
          size + " bytes is under DOMinFileSizeToCache (" + policy.minFileSizeToCache() + ")");
    }
    Optional<CacheEntry> cached =
        locked(() -> Optional.ofNullable(slots.get(hash)).map(s -> s.entry));
    if (cached.isPresent()) {
      return cached.get();
    }
    refuseUnlessRoom(size, capacity());
    Path part = copy(file, hash, size);
    try {
      if (!allPiecesMatch(part, PieceHashes.of(torrent.tree()))) {
        throw new CacheRefusal(
            CacheRefusal.Reason.NOT_THE_CONTENT,
            file + " does not hold the content of " + hash + ": a piece fails its check");
      }
      Files.setPosixFilePermissions(part, PosixFilePermissions.fromString("r--------"));
      return insert(file, torrent, owner, part);
    } finally {
      Files.deleteIfExists(part);
    }
  }

  /** Every entry, whoever owns it, oldest first: what the swarm serves. */
  public List<CacheEntry> entries() {
    return locked(() ->
        slots.values().stream()
            .map(s -> s.entry)
            .sorted(Comparator.comparing(CacheEntry::added))
            .toList());
  }

  /** The entries {@code caller} may see: their own, or every entry for the administrator. */
  public List<CacheEntry> list(JobOwner caller) {
    return entries().stream().filter(e -> mayChange(caller, e)).toList();
  }

  /**
   * Pins or unpins an entry of {@code caller}'s (any entry for the administrator); false when there
   * is no such entry they may change.
   */
  public boolean pin(JobOwner caller, InfoHash hash, boolean pinned) throws IOException {
    lock.lock();
    try {
      Slot slot = slots.get(hash);
      if (slot == null || !mayChange(caller, slot.entry)) {
        return false;
      }
      if (slot.entry.pinned() != pinned) {
        index.pinned(hash, pinned);
        CacheEntry e = slot.entry;
        slot.entry =
            new CacheEntry(
                e.infoHash(), e.name(), e.size(), e.owner(), e.added(), e.lastServed(), pinned);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes an entry of {@code caller}'s (any entry for the administrator), pinned or not; false
   * when there is no such entry they may change.
   */
  public boolean delete(JobOwner caller, InfoHash hash) {
    Removal removal;
    lock.lock();
    try {
      Slot slot = slots.get(hash);
      if (slot == null || !mayChange(caller, slot.entry)) {
        return false;
      }
      removal = remove(slot, Removal.Reason.DELETED);
    } finally {
      lock.unlock();
    }
    tell(List.of(removal));
    return true;
  }

  /**
   * The entry of {@code hash} as a swarm serves it, or nothing when it is not cached or this
   * machine does not serve from its cache ({@link #servesPeers}). Reading a piece marks the entry
   * served.
   */
  public Optional<CachedContent> serve(InfoHash hash) {
    if (!servesPeers()) {
      return Optional.empty();
    }
    return locked(() ->
        Optional.ofNullable(slots.get(hash))
            .map(s -> new CachedContent(s.entry, s.torrent, new CachedPieces(this, s))));
  }

  /**
   * The next check, to be run now and then (and after a change of the clock): drops the entries
   * whose file is missing or changed (size or modification time), evicts by age and by size, and
   * writes the last-served times the index lacks. Returns what was removed, also told to the
   * listeners.
   */
  public List<Removal> maintain() throws IOException {
    List<Removal> removals = new ArrayList<>();
    lock.lock();
    try {
      checkOpen();
      for (Slot slot : new ArrayList<>(slots.values())) {
        Removal.Reason problem = quickCheck(slot);
        if (problem != null) {
          log.warn("cache entry {} dropped: its file is {}", slot.hash(), problemText(problem));
          removals.add(remove(slot, problem));
        }
      }
      removals.addAll(evict(0, capacity()));
      for (Slot slot : slots.values()) {
        writeServed(slot);
      }
    } finally {
      lock.unlock();
    }
    tell(removals);
    return removals;
  }

  @Override
  public void close() throws IOException {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      for (Slot slot : slots.values()) {
        writeServed(slot);
        slot.held = false;
      }
      slots.clear();
      try {
        index.close();
      } finally {
        lockFile.close();
      }
    } finally {
      lock.unlock();
    }
  }

  // --- for CachedPieces

  /** Marks {@code slot} served now; written to the index at most every {@link #SERVED_WRITES}. */
  void served(Slot slot) {
    Instant now = Instant.ofEpochMilli(clock.millis());
    lock.lock();
    try {
      if (!slot.held) {
        return;
      }
      CacheEntry e = slot.entry;
      slot.entry =
          new CacheEntry(
              e.infoHash(), e.name(), e.size(), e.owner(), e.added(), Optional.of(now), e.pinned());
      boolean due =
          slot.servedWritten.isEmpty()
              || !now.isBefore(slot.servedWritten.get().plus(SERVED_WRITES));
      if (due) {
        writeServed(slot);
      }
    } finally {
      lock.unlock();
    }
  }

  /** Drops {@code slot} whose file was found {@code why}; the exception for the reader to throw. */
  IOException drop(Slot slot, Removal.Reason reason, String why) {
    Removal removal = null;
    lock.lock();
    try {
      if (slot.held) {
        log.warn("cache entry {} dropped: {}", slot.hash(), why);
        removal = remove(slot, reason);
      }
    } finally {
      lock.unlock();
    }
    if (removal != null) {
      tell(List.of(removal));
    }
    return new IOException("cached " + slot.hash() + " is not served: " + why);
  }

  // --- inside

  private void load() throws IOException {
    for (CacheIndex.Row row : index.load()) {
      CacheEntry entry = row.entry();
      Path file = content.resolve(entry.infoHash().hex());
      String problem = null;
      SingleFileTorrent torrent = null;
      try {
        torrent = TorrentReader.read(row.torrent());
        if (!torrent.infoHash().equals(entry.infoHash()) || torrent.length() != entry.size()) {
          problem = "its torrent is not its content's";
        }
      } catch (RuntimeException e) {
        problem = "its torrent cannot be read: " + e.getMessage();
      }
      Slot slot = problem == null ? new Slot(entry, torrent, file, row.fileTime()) : null;
      if (slot != null) {
        Removal.Reason reason = quickCheck(slot);
        problem = reason == null ? null : "its file is " + problemText(reason);
      }
      if (problem != null) {
        log.warn("cache entry {} dropped at start: {}", entry.infoHash(), problem);
        index.delete(entry.infoHash());
        Files.deleteIfExists(file);
      } else {
        slots.put(entry.infoHash(), slot);
      }
    }
    // A crash between a copy and its row, or a row deleted before its file: files nobody indexes.
    Set<Path> indexed = new HashSet<>();
    slots.values().forEach(s -> indexed.add(s.file));
    try (DirectoryStream<Path> files = Files.newDirectoryStream(content)) {
      for (Path file : files) {
        if (!indexed.contains(file)) {
          log.info("cache file {} is in no entry: deleted", file);
          Files.deleteIfExists(file);
        }
      }
    }
  }

  /** Null when the file looks as it did when added; else what is wrong with it. */
  private static Removal.Reason quickCheck(Slot slot) {
    BasicFileAttributes attributes;
    try {
      attributes =
          Files.readAttributes(slot.file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return Removal.Reason.MISSING;
    } catch (IOException e) {
      return Removal.Reason.CHANGED;
    }
    boolean same =
        attributes.isRegularFile()
            && attributes.size() == slot.size()
            && attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS) == slot.fileTime;
    return same ? null : Removal.Reason.CHANGED;
  }

  private static String problemText(Removal.Reason reason) {
    return reason == Removal.Reason.MISSING ? "missing" : "changed (size or time)";
  }

  private boolean diskHoldsCache() {
    try {
      return machine.diskSize(dir) >= policy.minDiskSizeAllowedToPeer();
    } catch (IOException e) {
      log.warn("the size of {}'s disk cannot be read: {}", dir, e.toString());
      return false;
    }
  }

  private void refuseUnlessRoom(long size, long capacity) throws CacheRefusal {
    long pinned =
        locked(() ->
            slots.values().stream().filter(s -> s.entry.pinned()).mapToLong(Slot::size).sum());
    if (size > capacity - pinned) {
      throw new CacheRefusal(
          CacheRefusal.Reason.TOO_LARGE,
          size
              + " bytes do not fit in the cache's "
              + capacity
              + " (of which pinned entries hold "
              + pinned
              + ")");
    }
  }

  /** A private copy of {@code file}'s {@code size} bytes in the content directory. */
  private Path copy(Path file, InfoHash hash, long size) throws IOException, CacheRefusal {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new CacheRefusal(CacheRefusal.Reason.NOT_THE_CONTENT, file + " does not exist");
    }
    // Not through a link, and not a device or a pipe whose reading would not end.
    if (!attributes.isRegularFile() || attributes.size() != size) {
      throw new CacheRefusal(
          CacheRefusal.Reason.NOT_THE_CONTENT,
          file + " is not a regular file of the torrent's " + size + " bytes");
    }
    Path part =
        Files.createTempFile(
            content,
            "." + hash.hex(),
            PART,
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    try (FileChannel in =
            FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        FileChannel out = FileChannel.open(part, StandardOpenOption.WRITE)) {
      long copied = 0;
      while (copied < size) {
        long n = in.transferTo(copied, size - copied, out);
        if (n <= 0) {
          break;
        }
        copied += n;
      }
      if (copied != size || in.size() != size) {
        throw new CacheRefusal(
            CacheRefusal.Reason.NOT_THE_CONTENT, file + " changed size while it was copied");
      }
      out.force(true);
      return part;
    } catch (IOException | CacheRefusal | RuntimeException e) {
      Files.deleteIfExists(part);
      throw e;
    }
  }

  private static boolean allPiecesMatch(Path file, PieceHashes hashes) throws IOException {
    ByteBuffer piece = ByteBuffer.allocate((int) Math.min(hashes.pieceSize(), hashes.fileSize()));
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      for (int index = 0; index < hashes.pieceCount(); index++) {
        long start = (long) index * hashes.pieceSize();
        piece.clear().limit((int) Math.min(hashes.pieceSize(), hashes.fileSize() - start));
        long position = start;
        while (piece.hasRemaining()) {
          int n = channel.read(piece, position);
          if (n < 0) {
            return false;
          }
          position += n;
        }
        if (!hashes.matches(index, piece.flip())) {
          return false;
        }
      }
    }
    return true;
  }

  /** Makes the checked copy {@code part} an entry, after evicting what its room asks. */
  private CacheEntry insert(Path file, SingleFileTorrent torrent, long owner, Path part)
      throws IOException, CacheRefusal {
    InfoHash hash = torrent.infoHash();
    long capacity = capacity();
    List<Removal> removals;
    CacheEntry entry;
    lock.lock();
    try {
      checkOpen();
      Slot existing = slots.get(hash);
      if (existing != null) {
        return existing.entry;
      }
      // Checked again: pins may have changed while the file was copied.
      refuseUnlessRoom(torrent.length(), capacity);
      removals = evict(torrent.length(), capacity);
      Path target = content.resolve(hash.hex());
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      long fileTime =
          Files.getLastModifiedTime(target, LinkOption.NOFOLLOW_LINKS).to(TimeUnit.NANOSECONDS);
      entry =
          new CacheEntry(
              hash,
              file.getFileName().toString(),
              torrent.length(),
              owner,
              Instant.ofEpochMilli(clock.millis()),
              Optional.empty(),
              false);
      try {
        index.insert(new CacheIndex.Row(entry, TorrentWriter.encode(torrent), fileTime));
      } catch (IOException e) {
        Files.deleteIfExists(target);
        throw e;
      }
      slots.put(hash, new Slot(entry, torrent, target, fileTime));
    } finally {
      lock.unlock();
    }
    tell(removals);
    log.info("cached {} ({} bytes) for uid {}", hash, entry.size(), owner);
    return entry;
  }

  /**
   * Under the lock: removes the unpinned entries older than DOMaxCacheAge, then, least recently
   * served first, unpinned entries until {@code room} more bytes fit within {@code capacity}.
   */
  private List<Removal> evict(long room, long capacity) {
    List<Removal> removals = new ArrayList<>();
    Instant now = Instant.ofEpochMilli(clock.millis());
    if (policy.entriesExpire()) {
      for (Slot slot : new ArrayList<>(slots.values())) {
        if (!slot.entry.pinned() && slot.entry.age(now).compareTo(policy.maxCacheAge()) > 0) {
          removals.add(remove(slot, Removal.Reason.AGE));
        }
      }
    }
    long held = slots.values().stream().mapToLong(Slot::size).sum();
    if (held + room > capacity) {
      List<Slot> candidates =
          slots.values().stream()
              .filter(s -> !s.entry.pinned())
              .sorted(
                  Comparator.comparing((Slot s) -> s.entry.lastUsed())
                      .thenComparing(s -> s.entry.added())
                      .thenComparing(s -> s.hash().hex()))
              .toList();
      for (Slot slot : candidates) {
        if (held + room <= capacity) {
          break;
        }
        held -= slot.size();
        removals.add(remove(slot, Removal.Reason.SIZE));
      }
    }
    for (Removal removal : removals) {
      if (removal.reason() != Removal.Reason.CHANGED) {
        log.info("cache entry {} evicted ({})", removal.entry().infoHash(), removal.reason());
      }
    }
    return removals;
  }

  /** Under the lock: takes {@code slot} out of the cache, its row and its file. */
  private Removal remove(Slot slot, Removal.Reason reason) {
    slot.held = false;
    slots.remove(slot.hash());
    try {
      index.delete(slot.hash());
    } catch (IOException e) {
      // Its file goes below: the row is dropped as missing at the next start.
      log.warn(
          "cache entry {} stays in the index until the next start: {}", slot.hash(), e.toString());
    }
    try {
      Files.deleteIfExists(slot.file);
    } catch (IOException e) {
      log.warn("cache file {} cannot be deleted: {}", slot.file, e.toString());
    }
    return new Removal(slot.entry, reason);
  }

  /** Under the lock: writes the slot's last-served time when the index lacks it. */
  private void writeServed(Slot slot) {
    Optional<Instant> served = slot.entry.lastServed();
    if (served.isEmpty() || served.equals(slot.servedWritten)) {
      return;
    }
    try {
      index.served(slot.hash(), served.get());
      slot.servedWritten = served;
    } catch (IOException e) {
      log.warn("the last-served time of {} is not written: {}", slot.hash(), e.toString());
    }
  }

  private void tell(List<Removal> removals) {
    for (Removal removal : removals) {
      for (Removal.Listener listener : listeners) {
        try {
          listener.removed(removal);
        } catch (RuntimeException e) {
          log.warn("a cache listener failed on {}", removal, e);
        }
      }
    }
  }

  private static boolean mayChange(JobOwner caller, CacheEntry entry) {
    return caller.isAdministrator() || entry.owner() == caller.uid();
  }

  private void checkOpen() throws IOException {
    if (closed) {
      throw new IOException("the content cache in " + dir + " is closed");
    }
  }

  private <T> T locked(java.util.function.Supplier<T> read) {
    lock.lock();
    try {
      return read.get();
    } finally {
      lock.unlock();
    }
  }

  /** {@code dir} as a directory of this process's user, {@code 0700}: made, or checked. */
  private static void privateDirectory(Path dir) throws IOException {
    if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
      // Parents made here are private too: the cache's is usually the daemon's data directory,
      // which must not come into being readable by others because the cache was opened first.
      Files.createDirectories(dir.getParent(), PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
      Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PRIVATE_DIR));
    }
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(dir + " is not a directory (or is reached through a link)");
    }
    // Whose this process is, told by a file it makes: Java names no uid of its own.
    Path probe = Files.createTempFile(dir, ".owner", ".probe");
    try {
      if (!Files.getOwner(probe).equals(Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS))) {
        throw new IOException(
            dir
                + " belongs to "
                + Files.getOwner(dir, LinkOption.NOFOLLOW_LINKS)
                + ", not to this process's user");
      }
    } finally {
      Files.delete(probe);
    }
    if (!Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS).equals(PRIVATE_DIR)) {
      Files.setPosixFilePermissions(dir, PRIVATE_DIR);
    }
  }
}
