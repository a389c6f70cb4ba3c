package dev.ferry.swarm.source;

import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.discovery.DiscoverySettings;
import dev.ferry.swarm.discovery.LocalDiscovery;
import dev.ferry.swarm.discovery.LocalSubnets;
import dev.ferry.swarm.discovery.PeerRestriction;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.tracker.Announcer;
import dev.ferry.swarm.tracker.AnnouncerSettings;
import dev.ferry.swarm.tracker.Progress;
import dev.ferry.swarm.tracker.TrackerSettings;
import dev.ferry.swarm.tracker.Trackers;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the peers of the swarms this node is in, as each one's scope allows ({@link PeerScope}: the
 * download's own mode, Group ID and trackers, else the machine's {@link PeerDiscovery}): announces
 * each swarm's key on the local network (BEP 14) and to the scope's trackers, and connects its
 * session to the peers they report, less those the mode's restriction keeps out. Several users of
 * one key (two downloads of the same content, a download and a seed) share its announces, which
 * stop when the last one is done; a user that brings trackers the key is not yet announced to adds
 * an announce to them.
 */
final class PeerFinding implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PeerFinding.class);

  /** How long this host's subnets are trusted before they are read again. */
  private static final long SUBNETS_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final PeerDiscovery config;
  private final Swarm swarm;

  /** The trackers' client, made when a first scope names trackers (under the lock). */
  private Trackers trackers;

  private final LocalDiscovery local;
  private final ReentrantLock lock = new ReentrantLock();
  private final Map<SwarmKey, Found> found = new HashMap<>();
  private volatile LocalSubnets subnets = LocalSubnets.ofHost();
  private volatile long subnetsRead;

  /** One key's announces and the session its peers join. */
  private final class Found {
    final SwarmKey key;
    final TorrentSession session;
    PeerRestriction restriction;
    int users;

    /** Every tracker the key is announced to, by one of {@link #announcers}. */
    final Set<URI> announced = new HashSet<>();

    /** The key's announces: its first user's trackers, then those each later user added. */
    final List<Announcer> announcers = new ArrayList<>();

    Found(SwarmKey key, TorrentSession session, PeerRestriction restriction) {
      this.key = key;
      this.session = session;
      this.restriction = restriction;
    }
  }

  private PeerFinding(PeerDiscovery config, Swarm swarm) {
    this.config = config;
    this.swarm = swarm;
    this.subnetsRead = config.clock().nanoTime();
    LocalDiscovery lsd = null;
    if (config.localDiscovery() && swarm.port() > 0) {
      // Every announce heard is filtered here, by the restriction of the key's mode.
      lsd =
          LocalDiscovery.start(
              DiscoverySettings.defaults()
                  .withClock(config.clock())
                  .withRestriction(PeerRestriction.NONE),
              swarm.port(),
              this::heard);
    }
    this.local = lsd;
  }

  static PeerFinding start(PeerDiscovery config, Swarm swarm) {
    return new PeerFinding(config, swarm);
  }

  /**
   * Starts finding the peers of {@code session} as {@code scope} says; the returned handle stops
   * it. A mode that allows no peers finds none.
   */
  Runnable find(TorrentSession session, PeerScope scope) {
    DownloadMode mode = scope.mode();
    boolean grouped = scope.grouped();
    // Told even where nothing is announced: the peers a download names count as the group's too.
    session.inGroup(grouped);
    if (!PeerDiscovery.allowsPeers(mode) || (local == null && scope.trackers().isEmpty())) {
      return () -> {};
    }
    if (mode == DownloadMode.GROUP && !grouped) {
      LOG.warn("Group mode without a Group ID: {} is shared as in LAN mode", session.torrent());
    }
    SwarmKey key =
        grouped
            ? SwarmKey.forGroup(scope.group().get(), session.torrent().infoHash())
            : SwarmKey.of(session.torrent().infoHash());
    PeerRestriction restriction =
        mode == DownloadMode.LAN || (mode == DownloadMode.GROUP && !grouped)
            ? config.restriction()
            : PeerRestriction.NONE;
    lock.lock();
    try {
      Found f = found.get(key);
      if (f == null) {
        f = new Found(key, session, restriction);
        found.put(key, f);
        if (local != null) {
          local.announce(f.key);
        }
        LOG.debug("finding peers of {} under {} ({})", f.session.torrent(), f.key, f.restriction);
      } else if (restriction == PeerRestriction.NONE) {
        // A second user in a wider mode widens the key's peers; they stay wide until it ends.
        f.restriction = PeerRestriction.NONE;
      }
      announce(f, scope.trackers());
      f.users++;
      Found joined = f;
      return () -> leave(joined);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Under the lock: announces {@code f}'s key to those of {@code urls} it is not announced to yet,
   * by an announcer of their own that lasts as long as the key (its users share its peers).
   */
  private void announce(Found f, List<URI> urls) {
    List<URI> fresh = urls.stream().filter(url -> !f.announced.contains(url)).distinct().toList();
    if (fresh.isEmpty()) {
      return;
    }
    if (trackers == null) {
      trackers = new Trackers(TrackerSettings.defaults().withClock(config.clock()));
    }
    TorrentSession session = f.session;
    long length = session.torrent().length();
    try {
      f.announcers.add(
          Announcer.start(
              f.key,
              fresh,
              trackers,
              AnnouncerSettings.defaults(swarm.peerId(), Math.max(swarm.port(), 0), config.clock()),
              () -> {
                var stats = session.stats();
                long left = Math.max(0, length - stats.bytesDownloaded());
                return new Progress(stats.bytesUploaded(), stats.bytesDownloaded(), left);
              },
              peer -> offer(f, peer)));
      f.announced.addAll(fresh);
      LOG.debug("announcing {} to {}", f.key, fresh);
    } catch (IllegalArgumentException e) {
      // The job's trackers were checked when set: only a row edited by hand gets here.
      LOG.warn("{} is not announced to {}: {}", f.key, fresh, e.getMessage());
    }
  }

  private void leave(Found f) {
    List<Announcer> announcers = List.of();
    lock.lock();
    try {
      if (--f.users > 0 || found.get(f.key) != f) {
        return;
      }
      found.remove(f.key);
      if (local != null) {
        local.withdraw(f.key);
      }
      announcers = List.copyOf(f.announcers);
    } finally {
      lock.unlock();
    }
    announcers.forEach(PeerFinding::closeQuietly);
  }

  /** A neighbour announced {@code key} (BEP 14). */
  private void heard(SwarmKey key, InetSocketAddress peer) {
    Found f;
    lock.lock();
    try {
      f = found.get(key);
    } finally {
      lock.unlock();
    }
    if (f != null) {
      offer(f, peer);
    }
  }

  /** Connects {@code f}'s session to {@code peer} unless the key's restriction keeps it out. */
  private void offer(Found f, InetSocketAddress peer) {
    InetAddress address = peer.getAddress();
    if (address == null || peer.getPort() == 0) {
      return;
    }
    if (!f.restriction.allows(subnets(), address)) {
      LOG.trace("peer {} of {} is outside this host's subnets", peer, f.key);
      return;
    }
    if (peer.getPort() == swarm.port() && isThisHost(address)) {
      return;
    }
    f.session.connect(peer);
  }

  private LocalSubnets subnets() {
    long now = config.clock().nanoTime();
    if (now - subnetsRead > SUBNETS_NANOS) {
      subnets = LocalSubnets.ofHost();
      subnetsRead = now;
    }
    return subnets;
  }

  /** Whether {@code address} is one of this host's own: trackers hand a peer back to itself. */
  private static boolean isThisHost(InetAddress address) {
    if (address.isAnyLocalAddress() || address.isLoopbackAddress()) {
      return true;
    }
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  @Override
  public void close() {
    List<Announcer> announcers = new ArrayList<>();
    Trackers client;
    lock.lock();
    try {
      for (Found f : found.values()) {
        announcers.addAll(f.announcers);
      }
      found.clear();
      client = trackers;
    } finally {
      lock.unlock();
    }
    announcers.forEach(PeerFinding::closeQuietly);
    if (local != null) {
      local.close();
    }
    if (client != null) {
      client.close();
    }
  }

  private static void closeQuietly(Announcer announcer) {
    if (announcer == null) {
      return;
    }
    try {
      announcer.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
