package dev.ferry.swarm.discovery;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.content.SwarmKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * BEP 14 Local Service Discovery: announces this node's swarms to the LSD multicast groups on every
 * interface that can multicast, and reports the peers that announce theirs (any key, not only the
 * ones announced here: the listener picks). A key is announced as soon as it is added and then
 * every five minutes, never twice within a minute ({@link AnnounceSchedule}); keys due together
 * share a datagram, up to {@link LsdMessage#MAX_KEYS} of them.
 *
 * <p>Its own announces, which multicast loopback brings back, are recognised by a random cookie. By
 * default only peers in a subnet of this host's interfaces are reported ({@link
 * PeerRestriction#SUBNET}, read from the interfaces again at most once a minute). A datagram that
 * is not an announce is counted and dropped: nothing a sender does ends the receiving loop.
 *
 * <p>Threads are virtual: one receiving per group, one announcing, which waits on the {@link Clock}
 * and wakes when a key is added or a test's clock jumps.
 */
public final class LocalDiscovery implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalDiscovery.class);

  /** How often every key is announced again (BEP 14's clients, libtorrent: five minutes). */
  static final long INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(5);

  /** BEP 14's rate: at most one announce a minute for each swarm. */
  static final long MINIMUM_NANOS = TimeUnit.MINUTES.toNanos(1);

  private static final long SUBNETS_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final DiscoverySettings settings;
  private final int peerPort;
  private final DiscoveryListener listener;
  private final String cookie;
  private final List<GroupSocket> sockets;
  private final AnnounceSchedule schedule = new AnnounceSchedule(INTERVAL_NANOS, MINIMUM_NANOS);
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final AtomicLong sent = new AtomicLong();
  private final AtomicLong received = new AtomicLong();
  private final AtomicLong own = new AtomicLong();
  private final AtomicLong refused = new AtomicLong();
  private final AtomicLong outsideSubnet = new AtomicLong();
  private final AtomicLong reported = new AtomicLong();
  private volatile LocalSubnets subnets;
  private volatile long subnetsRead;
  private volatile boolean closed;

  private LocalDiscovery(
      DiscoverySettings settings,
      int peerPort,
      DiscoveryListener listener,
      List<GroupSocket> sockets) {
    this.settings = settings;
    this.peerPort = peerPort;
    this.listener = listener;
    this.sockets = List.copyOf(sockets);
    // 32 random bits in hex, the form libtorrent's cookies have.
    this.cookie = HexFormat.of().toHexDigits(new SecureRandom().nextInt());
    this.subnets = LocalSubnets.ofHost();
    this.subnetsRead = settings.clock().nanoTime();
  }

  /**
   * Joins the groups of {@code settings} and starts announcing (nothing yet) and listening. A group
   * that no interface can join is left out and logged; with none, nothing is sent or heard.
   *
   * @param peerPort the TCP port this node's peers are reached on, which announces carry
   */
  public static LocalDiscovery start(
      DiscoverySettings settings, int peerPort, DiscoveryListener listener) {
    if (peerPort < 1 || peerPort > 65535) {
      throw new IllegalArgumentException("peer port " + peerPort + " out of range (1 to 65535)");
    }
    List<GroupSocket> sockets = new ArrayList<>();
    for (LsdGroup group : LsdGroup.values()) {
      if (!settings.groups().contains(group)) {
        continue;
      }
      try {
        GroupSocket.open(group)
            .ifPresentOrElse(
                sockets::add, () -> LOG.info("LSD: no interface can join {}", group.host()));
      } catch (IOException e) {
        LOG.warn("LSD: cannot listen on {}: {}", group.host(), e.toString());
      } catch (UnsupportedOperationException e) {
        // The family is off on this machine (IPv6 disabled): the other group serves alone.
        LOG.info("LSD: {} left out: {}", group.host(), e.getMessage());
      }
    }
    LocalDiscovery discovery = new LocalDiscovery(settings, peerPort, listener, sockets);
    for (GroupSocket socket : discovery.sockets) {
      LOG.debug("LSD: {} joined on {}", socket.group().host(), names(socket.interfaces()));
      Thread.ofVirtual()
          .name("lsd-receive " + socket.group())
          .start(() -> discovery.receiveLoop(socket));
    }
    settings.clock().onAdvance(discovery::wake);
    Thread.ofVirtual().name("lsd-announce").start(discovery::announceLoop);
    return discovery;
  }

  /** Announces {@code key}: at once, unless it was within the last minute. */
  public void announce(SwarmKey key) {
    schedule.add(key, settings.clock().nanoTime());
    wake();
  }

  /** Stops announcing {@code key}; peers that announce it are still reported. */
  public void withdraw(SwarmKey key) {
    schedule.remove(key);
  }

  /** The interfaces each group was joined on; a group missing here is not used. */
  public Map<LsdGroup, List<String>> interfaces() {
    Map<LsdGroup, List<String>> joined = new TreeMap<>();
    for (GroupSocket socket : sockets) {
      joined.put(socket.group(), names(socket.interfaces()));
    }
    return joined;
  }

  public DiscoveryStats stats() {
    return new DiscoveryStats(
        sent.get(), received.get(), own.get(), refused.get(), outsideSubnet.get(), reported.get());
  }

  /** Leaves the groups and ends the threads. */
  @Override
  public void close() {
    closed = true;
    sockets.forEach(GroupSocket::close);
    wake();
  }

  private void announceLoop() {
    Clock clock = settings.clock();
    while (!closed) {
      List<SwarmKey> due = schedule.takeDue(clock.nanoTime());
      if (!due.isEmpty()) {
        send(due);
      }
      lock.lock();
      try {
        // Read under the lock that announce()'s wake takes: a key added now is not missed.
        long wait = schedule.nanosUntilDue(clock.nanoTime());
        if (!closed && wait > 0) {
          wake.awaitNanos(wait);
        }
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
    }
  }

  private void send(List<SwarmKey> keys) {
    for (List<SwarmKey> batch : LsdCodec.batches(keys)) {
      LsdMessage message = new LsdMessage(peerPort, batch, Optional.of(cookie));
      for (GroupSocket socket : sockets) {
        sent.addAndGet(socket.send(LsdCodec.encode(message, socket.group())));
      }
    }
    LOG.debug("LSD: announced {} keys on port {}", keys.size(), peerPort);
  }

  private void receiveLoop(GroupSocket socket) {
    // One byte over the bound: a datagram that fills it was longer than any accepted.
    ByteBuffer buffer = ByteBuffer.allocate(LsdCodec.MAX_DATAGRAM + 1);
    while (!closed && socket.isOpen()) {
      try {
        Optional<InetSocketAddress> from = socket.receive(buffer);
        if (from.isPresent()) {
          handle(buffer, from.get());
        }
      } catch (IOException e) {
        if (!closed) {
          LOG.warn("LSD: receiving on {} failed: {}", socket.group().host(), e.toString());
        }
        return;
      } catch (RuntimeException e) {
        // A bug of Ferry's, not the sender's: one datagram is lost, not the loop.
        LOG.warn("LSD: a datagram could not be handled", e);
      }
    }
  }

  private void handle(ByteBuffer datagram, InetSocketAddress from) {
    received.incrementAndGet();
    LsdMessage message;
    try {
      message = LsdCodec.decode(datagram.array(), 0, datagram.limit());
    } catch (LsdException e) {
      refused.incrementAndGet();
      LOG.debug("LSD: refused a datagram from {}: {}", from, e.getMessage());
      return;
    }
    if (message.cookie().filter(cookie::equals).isPresent()) {
      own.incrementAndGet();
      return;
    }
    if (!settings.restriction().allows(subnets(), from.getAddress())) {
      outsideSubnet.incrementAndGet();
      LOG.debug("LSD: {} is outside this host's subnets", from.getAddress());
      return;
    }
    InetSocketAddress peer = new InetSocketAddress(from.getAddress(), message.port());
    for (SwarmKey key : message.keys()) {
      reported.incrementAndGet();
      try {
        listener.found(key, peer);
      } catch (RuntimeException e) {
        LOG.warn("LSD: the listener failed on {} for {}", peer, key, e);
      }
    }
  }

  /** This host's subnets, read again when the last reading is a minute old. */
  private LocalSubnets subnets() {
    long now = settings.clock().nanoTime();
    if (now - subnetsRead >= SUBNETS_NANOS) {
      subnets = LocalSubnets.ofHost();
      subnetsRead = now;
    }
    return subnets;
  }

  private void wake() {
    lock.lock();
    try {
      wake.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static List<String> names(List<NetworkInterface> interfaces) {
    return interfaces.stream().map(NetworkInterface::getName).toList();
  }
}
