package dev.ferry.swarm.source;

import dev.ferry.swarm.cache.CacheRefusal;
import dev.ferry.swarm.cache.ContentCache;
import dev.ferry.swarm.cache.Removal;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What DO keeps for peers once downloads complete: each completed file with a content description
 * goes into the {@link ContentCache} (within its policies), and every entry is in the swarm and
 * announced as the machine's DownloadMode, Group ID and trackers say, until the cache lets it go.
 * Entries of an earlier run are served again at start; the cache is checked now and then ({@link
 * ContentCache#maintain}).
 */
final class CachedSeeds implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CachedSeeds.class);

  /** How often the cache drops changed files and evicts by age and size. */
  private static final Duration MAINTAIN_EVERY = Duration.ofMinutes(5);

  private final ContentCache cache;
  private final Swarm swarm;
  private final PeerFinding finding;
  private final PeerScope scope;
  private final Predicate<InfoHash> heldElsewhere;
  private final Map<InfoHash, Served> served = new ConcurrentHashMap<>();
  private final Thread maintenance;
  private volatile boolean closed;

  /** An entry in the swarm: the copy it is served from, and how to stop finding its peers. */
  private record Served(LocalPieces pieces, Runnable stopFinding) {}

  /**
   * @param heldElsewhere whether a transfer or a seed still has the content in the swarm, which an
   *     entry's removal then leaves there
   */
  CachedSeeds(
      ContentCache cache,
      Swarm swarm,
      PeerFinding finding,
      PeerScope scope,
      Predicate<InfoHash> heldElsewhere) {
    this.cache = cache;
    this.swarm = swarm;
    this.finding = finding;
    this.scope = scope;
    this.heldElsewhere = heldElsewhere;
    // The listener may run on a session's thread that found a changed piece: leave it at once.
    cache.onRemoved(removal -> Thread.ofVirtual().start(() -> removed(removal)));
    for (var entry : cache.entries()) {
      serve(entry.infoHash());
    }
    this.maintenance = Thread.ofVirtual().name("peer-cache maintenance").start(this::maintainLoop);
  }

  ContentCache cache() {
    return cache;
  }

  /** Whether the content of {@code hash} is served from the cache. */
  boolean holds(InfoHash hash) {
    return served.containsKey(hash);
  }

  /**
   * Keeps {@code local}, a completed download of {@code torrent}'s content for user {@code owner},
   * when the cache's policies let it; on the caller's thread, which it holds while it copies and
   * checks the copy. Returns the kept copy as the swarm serves it (also when it was kept before),
   * or nothing when the cache refused it.
   */
  Optional<LocalPieces> keep(Path local, SingleFileTorrent torrent, long owner) {
    if (closed) {
      return Optional.empty();
    }
    Served before = served.get(torrent.infoHash());
    if (before != null) {
      return Optional.of(before.pieces());
    }
    long started = System.nanoTime();
    try {
      cache.add(local, torrent, owner);
    } catch (CacheRefusal refused) {
      LOG.debug("not kept for peers: {}", refused.getMessage());
      return Optional.empty();
    } catch (IOException e) {
      LOG.warn("cannot keep {} for peers: {}", torrent.fileName(), e.toString());
      return Optional.empty();
    }
    // How long the download's end waited for the copy and its check (bench/README.md's fleet).
    LOG.atInfo()
        .addKeyValue("info_hash", torrent.infoHash().hex())
        .addKeyValue("bytes", torrent.length())
        .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000)
        .log("kept for peers");
    return serve(torrent.infoHash());
  }

  private Optional<LocalPieces> serve(InfoHash hash) {
    return cache
        .serve(hash)
        .map(content -> {
          TorrentSession session = swarm.add(content.torrent(), content.pieces());
          Served before =
              served.put(hash, new Served(content.pieces(), finding.find(session, scope)));
          if (before != null) {
            before.stopFinding().run();
          }
          LOG.debug("serving {} from the cache", content.torrent().fileName());
          return content.pieces();
        });
  }

  private void removed(Removal removal) {
    InfoHash hash = removal.entry().infoHash();
    Served gone = served.remove(hash);
    if (gone == null) {
      return;
    }
    gone.stopFinding().run();
    if (!heldElsewhere.test(hash)) {
      swarm.remove(hash);
    }
    LOG.info("{} left the peer cache: {}", removal.entry().name(), removal.reason());
  }

  private void maintainLoop() {
    while (!closed) {
      try {
        Thread.sleep(MAINTAIN_EVERY);
        cache.maintain();
      } catch (InterruptedException e) {
        return;
      } catch (IOException | RuntimeException e) {
        LOG.warn("the peer cache's check failed: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    maintenance.interrupt();
    served.values().forEach(s -> s.stopFinding().run());
    served.clear();
    try {
      cache.close();
    } catch (IOException e) {
      LOG.warn("closing the peer cache: {}", e.toString());
    }
  }
}
