package dev.ferry.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.Opentracker;
import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.torrent.InfoHash;
import dev.ferry.swarm.wire.PeerId;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ferry's trackers against a real, unmodified opentracker (Debian's, allow-list only), over HTTP
 * and UDP: peers of one key learn each other, a key not on the list gives opentracker's own
 * refusal, and group keys keep each group's peers from other groups and from the public swarm. Each
 * test announces its own ports, so that what earlier tests left on the tracker does not count.
 */
class OpentrackerTest {
  private static final InfoHash HASH =
      InfoHash.parse("5e1f0c2d3e4f5061728394a5b6c7d8e9fa0b1c2d3e4f5061728394a5b6c7d8e9");
  private static final UUID GROUP_A = UUID.fromString("3f2504e0-4f89-11d3-9a0c-0305e82c3301");
  private static final UUID GROUP_B = UUID.fromString("7c9e6679-7425-40de-944b-e07fc1f90ae7");
  private static final SwarmKey PUBLIC = SwarmKey.of(HASH);
  private static final SwarmKey A = SwarmKey.forGroup(GROUP_A, HASH);
  private static final SwarmKey B = SwarmKey.forGroup(GROUP_B, HASH);
  private static final SwarmKey NOT_ALLOWED =
      SwarmKey.of(
          InfoHash.parse("0000000000000000000000000000000000000000000000000000000000000001"));

  @TempDir static Path dir;
  private static Opentracker opentracker;
  private static Trackers trackers;

  @BeforeAll
  static void start() throws Exception {
    opentracker = Opentracker.start(dir, List.of(PUBLIC, A, B));
    trackers =
        new Trackers(TrackerSettings.defaults().withUdpRetransmission(Duration.ofMillis(500), 4));
  }

  @AfterAll
  static void stop() throws Exception {
    if (trackers != null) {
      trackers.close();
    }
    if (opentracker != null) {
      opentracker.close();
    }
  }

  private static URI url(String protocol) {
    return protocol.equals("udp") ? opentracker.udp() : opentracker.http();
  }

  /** A client of its own peer id and port. */
  private record Client(Tracker tracker, SwarmKey key, PeerId id, int port) {
    Client(String protocol, SwarmKey key, int port) {
      this(trackers.open(url(protocol)), key, PeerId.random(), port);
    }

    List<InetSocketAddress> announce(AnnounceEvent event) throws Exception {
      return tracker
          .announce(new AnnounceRequest(key, id, port, new Progress(0, 0, 100), event, 50, port))
          .peers();
    }

    InetSocketAddress address() {
      return new InetSocketAddress("127.0.0.1", port);
    }
  }

  private static int portBase(String protocol) {
    return protocol.equals("udp") ? 42000 : 41000;
  }

  @ParameterizedTest
  @ValueSource(strings = {"http", "udp"})
  void twoClientsOfOneKeyLearnEachOther(String protocol) throws Exception {
    Client first = new Client(protocol, PUBLIC, portBase(protocol) + 1);
    Client second = new Client(protocol, PUBLIC, portBase(protocol) + 2);

    first.announce(AnnounceEvent.STARTED);
    List<InetSocketAddress> seenBySecond = second.announce(AnnounceEvent.STARTED);
    List<InetSocketAddress> seenByFirst = first.announce(AnnounceEvent.NONE);

    assertThat(seenBySecond).contains(first.address());
    assertThat(seenByFirst).contains(second.address());
  }

  /** Over HTTP opentracker gives its reason; over UDP it answers an 8-byte header only. */
  @ParameterizedTest
  @ValueSource(strings = {"http", "udp"})
  void aKeyNotOnTheAllowListIsAClearFailure(String protocol) {
    Client client = new Client(protocol, NOT_ALLOWED, portBase(protocol) + 3);

    var failure =
        assertThatThrownBy(() -> client.announce(AnnounceEvent.STARTED))
            .isInstanceOf(TrackerException.class)
            .hasMessageContaining(url(protocol).toString());
    if (protocol.equals("http")) {
      failure
          .hasMessageContaining("refused: Requested download is not authorized")
          .satisfies(e ->
              assertThat(((TrackerException) e).failureReason())
                  .hasValueSatisfying(r -> assertThat(r).contains("not authorized")));
    } else {
      failure.hasMessageContaining("the tracker does not serve this swarm");
    }
  }

  /**
   * Group A's peers learn each other; group B's peer, and a peer of the public swarm, announced to
   * the same tracker for the same content, learn none of them, nor do they learn those.
   */
  @ParameterizedTest
  @ValueSource(strings = {"http", "udp"})
  void groupsAreKeptApartOnAnUnchangedTracker(String protocol) throws Exception {
    int base = portBase(protocol) + 10;
    Client a1 = new Client(protocol, A, base + 1);
    Client a2 = new Client(protocol, A, base + 2);
    Client b1 = new Client(protocol, B, base + 3);
    Client b2 = new Client(protocol, B, base + 4);
    Client outsider = new Client(protocol, PUBLIC, base + 5);
    for (Client client : List.of(a1, a2, b1, b2, outsider)) {
      client.announce(AnnounceEvent.STARTED);
    }

    List<InetSocketAddress> seenByA1 = a1.announce(AnnounceEvent.NONE);
    List<InetSocketAddress> seenByB1 = b1.announce(AnnounceEvent.NONE);
    List<InetSocketAddress> seenByOutsider = outsider.announce(AnnounceEvent.NONE);

    assertThat(seenByA1)
        .contains(a2.address())
        .doesNotContain(b1.address(), b2.address(), outsider.address());
    assertThat(seenByB1)
        .contains(b2.address())
        .doesNotContain(a1.address(), a2.address(), outsider.address());
    assertThat(seenByOutsider)
        .doesNotContain(a1.address(), a2.address(), b1.address(), b2.address());
  }

  /**
   * Two announcers of one key, over both protocols at once: each learns the other, the first once
   * its re-announce is due (its clock is advanced past opentracker's interval).
   */
  @Test
  void twoAnnouncersFindEachOther() throws Exception {
    FakeClock clock = new FakeClock();
    Set<InetSocketAddress> foundByFirst = ConcurrentHashMap.newKeySet();
    Set<InetSocketAddress> foundBySecond = ConcurrentHashMap.newKeySet();
    List<URI> urls = List.of(opentracker.http(), opentracker.udp());
    try (Trackers clocked = new Trackers(TrackerSettings.defaults().withClock(clock));
        Announcer first =
            Announcer.start(
                A, urls, clocked, settings(43001, clock), () -> Progress.SEED, foundByFirst::add)) {
      await().until(() -> foundByFirst.contains(new InetSocketAddress("127.0.0.1", 43001)));
      try (Announcer second =
          Announcer.start(
              A,
              urls,
              clocked,
              settings(43002, clock),
              () -> new Progress(0, 0, 5),
              foundBySecond::add)) {
        await().until(() -> foundBySecond.contains(new InetSocketAddress("127.0.0.1", 43001)));

        clock.advance(Duration.ofHours(2));

        await().until(() -> foundByFirst.contains(new InetSocketAddress("127.0.0.1", 43002)));
      }
    }
  }

  private static AnnouncerSettings settings(int port, FakeClock clock) {
    return AnnouncerSettings.defaults(PeerId.random(), port, clock);
  }
}
