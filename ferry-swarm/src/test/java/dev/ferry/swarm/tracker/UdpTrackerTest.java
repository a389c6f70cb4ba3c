package dev.ferry.swarm.tracker;

import static dev.ferry.swarm.tracker.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ferry.spi.Clock;
import dev.ferry.swarm.FakeClock;
import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * UDP announces (BEP 15) against a tracker in the test on a real DatagramSocket: the datagrams
 * Ferry sends, the connection id's minute, answers to other transactions dropped, retransmission
 * after a timeout (a small base here), the error action, and IPv6 trackers' 18-byte peers.
 */
class UdpTrackerTest {
  private static final byte[] PEERS = HexFormat.of().parseHex("7f0000011ae1" + "0a000002c8d5");
  private static final Duration BASE = Duration.ofMillis(100);

  private Trackers trackers;
  private FakeUdpTracker server;

  @AfterEach
  void close() {
    if (trackers != null) {
      trackers.close();
    }
    if (server != null) {
      server.close();
    }
  }

  private Tracker tracker(InetAddress address, Clock clock, FakeUdpTracker.Responder responder)
      throws IOException {
    server = new FakeUdpTracker(address, responder);
    trackers =
        new Trackers(TrackerSettings.defaults().withClock(clock).withUdpRetransmission(BASE, 3));
    return trackers.open(server.announce());
  }

  private Tracker tracker(FakeUdpTracker.Responder responder) throws IOException {
    return tracker(InetAddress.getLoopbackAddress(), Clock.SYSTEM, responder);
  }

  @Test
  void anAnnounceConnectsThenCarriesBep15sFields() throws Exception {
    Tracker tracker = tracker((i, r) -> FakeUdpTracker.honest(r, 1800, PEERS));
    AnnounceRequest started = request(AnnounceEvent.STARTED);

    AnnounceResponse response = tracker.announce(started);

    assertThat(response.interval()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(response.leechers()).hasValue(3);
    assertThat(response.seeders()).hasValue(7);
    assertThat(response.peers())
        .containsExactly(
            new InetSocketAddress("127.0.0.1", 6881), new InetSocketAddress("10.0.0.2", 51413));
    List<FakeUdpTracker.Request> requests = server.requests();
    assertThat(requests).extracting(FakeUdpTracker.Request::action).containsExactly(0, 1);
    assertThat(requests.get(0).connectionId()).isEqualTo(0x41727101980L);
    assertThat(requests.get(0).bytes()).hasSize(16);
    FakeUdpTracker.Request announce = requests.get(1);
    assertThat(announce.connectionId()).isEqualTo(FakeUdpTracker.CONNECTION_ID);
    assertThat(announce.bytes()).hasSize(98);
    ByteBuffer body = announce.body().position(16);
    byte[] hash = new byte[20];
    byte[] peerId = new byte[20];
    body.get(hash).get(peerId);
    assertThat(hash).isEqualTo(Requests.KEY.bytes());
    assertThat(peerId).isEqualTo(started.peerId().bytes());
    assertThat(body.getLong()).as("downloaded").isEqualTo(20);
    assertThat(body.getLong()).as("left").isEqualTo(30);
    assertThat(body.getLong()).as("uploaded").isEqualTo(10);
    assertThat(body.getInt()).as("event: started").isEqualTo(2);
    assertThat(body.getInt()).as("ip").isZero();
    assertThat(body.getInt()).as("key").isEqualTo(0x0badf00d);
    assertThat(body.getInt()).as("num_want").isEqualTo(30);
    assertThat(body.getShort()).as("port").isEqualTo((short) 6881);
  }

  @Test
  void theConnectionIdServesForAMinuteOnTheInjectedClock() throws Exception {
    FakeClock clock = new FakeClock();
    Tracker tracker =
        tracker(
            InetAddress.getLoopbackAddress(),
            clock,
            (i, r) -> FakeUdpTracker.honest(r, 1800, PEERS));

    tracker.announce(request(AnnounceEvent.STARTED));
    clock.advance(Duration.ofSeconds(59));
    tracker.announce(request(AnnounceEvent.NONE));
    clock.advance(Duration.ofSeconds(1));
    tracker.announce(request(AnnounceEvent.NONE));

    assertThat(server.requests())
        .extracting(FakeUdpTracker.Request::action)
        .containsExactly(0, 1, 1, 0, 1);
  }

  @Test
  void answersToOtherTransactionsAreDroppedAndUnansweredRequestsSentAgain() throws Exception {
    Tracker tracker =
        tracker((i, r) ->
            switch (i) {
              // A connect answer for another transaction, then silence: sent again.
              case 0 -> List.of(FakeUdpTracker.connected(r.transactionId() + 1));
              // An announce lost on the way: sent again.
              case 2 -> List.of();
              default -> FakeUdpTracker.honest(r, 60, PEERS);
            });

    AnnounceResponse response = tracker.announce(request(AnnounceEvent.NONE));

    assertThat(response.peers()).hasSize(2);
    List<FakeUdpTracker.Request> requests = server.requests();
    assertThat(requests).extracting(FakeUdpTracker.Request::action).containsExactly(0, 0, 1, 1);
    assertThat(requests.get(1).transactionId())
        .as("a retransmission is a new transaction")
        .isNotEqualTo(requests.get(0).transactionId());
  }

  @Test
  void aTrackerThatNeverAnswersFailsAfterTheLastRetransmission() throws Exception {
    Tracker tracker = tracker((i, r) -> List.of());

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("no answer after 3 retransmissions");
    assertThat(server.requests()).hasSize(4);
  }

  @Test
  void theErrorActionIsTheTrackersRefusal() throws Exception {
    Tracker tracker =
        tracker((i, r) ->
            r.action() == 0
                ? FakeUdpTracker.honest(r, 60, PEERS)
                : List.of(FakeUdpTracker.error(r.transactionId(), "unregistered torrent")));

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.STARTED)))
        .isInstanceOfSatisfying(
            TrackerException.class,
            e -> assertThat(e.failureReason()).contains("unregistered torrent"));
  }

  @Test
  void anIpv6TrackerGivesEighteenBytePeers() throws Exception {
    InetAddress loopback6 = InetAddress.getByName("::1");
    try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress(loopback6, 0))) {
      // bound: this host has IPv6 loopback
    } catch (IOException e) {
      assumeTrue(false, "no IPv6 loopback here: " + e);
    }
    byte[] peers6 =
        HexFormat.of()
            .parseHex(
                "20010db8000000000000000000000001"
                    + "1ae1"
                    + "00000000000000000000ffff7f000001"
                    + "1ae2");
    Tracker tracker =
        tracker(loopback6, Clock.SYSTEM, (i, r) -> FakeUdpTracker.honest(r, 60, peers6));

    AnnounceResponse response = tracker.announce(request(AnnounceEvent.NONE));

    assertThat(response.peers())
        .containsExactly(
            new InetSocketAddress("2001:db8::1", 6881), new InetSocketAddress("127.0.0.1", 6882));
  }
}
