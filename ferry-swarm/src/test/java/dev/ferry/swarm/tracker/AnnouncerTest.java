package dev.ferry.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.swarm.FakeClock;
import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.wire.PeerId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The announcer's schedule, driven by a test clock against trackers in the test: started at once,
 * the regular announce each interval, completed once (after the min interval), stopped on close,
 * and a failing tracker retried with a growing wait while the others go on.
 */
class AnnouncerTest {
  private static final Duration INTERVAL = Duration.ofSeconds(1800);
  private static final Duration MIN_INTERVAL = Duration.ofSeconds(120);
  private static final InetSocketAddress PEER = new InetSocketAddress("10.0.0.2", 6881);

  private final FakeClock clock = new FakeClock();
  private final Trackers trackers = new Trackers(TrackerSettings.defaults().withClock(clock));
  private final Set<InetSocketAddress> found = ConcurrentHashMap.newKeySet();
  private final AtomicReference<Progress> progress = new AtomicReference<>(new Progress(0, 0, 50));
  private final AnnouncerSettings settings =
      new AnnouncerSettings(
          PeerId.random(),
          6881,
          40,
          Duration.ofSeconds(10),
          Duration.ofSeconds(80),
          Duration.ofSeconds(60),
          Duration.ofSeconds(5),
          clock);

  @AfterEach
  void close() {
    trackers.close();
  }

  private static FakeHttpTracker.Responder healthy() {
    return FakeHttpTracker.bencoded(
        BDict.builder()
            .put("interval", INTERVAL.toSeconds())
            .put("min interval", MIN_INTERVAL.toSeconds())
            .put("peers", HexFormat.of().parseHex("0a0000021ae1"))
            .build());
  }

  private Announcer start(List<URI> urls) {
    return Announcer.start(Requests.KEY, urls, trackers, settings, progress::get, found::add);
  }

  private static void awaitRequests(FakeHttpTracker tracker, int count) {
    await().until(() -> tracker.requests().size() >= count);
    assertThat(tracker.requests()).hasSize(count);
  }

  @Test
  void startedThenEachIntervalThenCompletedOnceThenStopped() throws Exception {
    try (FakeHttpTracker tracker = new FakeHttpTracker(healthy())) {
      Announcer announcer = start(List.of(tracker.announce()));

      await().until(() -> found.contains(PEER));
      awaitRequests(tracker, 1);
      assertThat(tracker.requests().get(0).text("event")).isEqualTo("started");
      assertThat(tracker.requests().get(0).text("numwant")).isEqualTo("40");
      assertThat(tracker.requests().get(0).text("left")).isEqualTo("50");

      clock.advance(INTERVAL);
      awaitRequests(tracker, 2);
      assertThat(tracker.requests().get(1).values()).doesNotContainKey("event");

      progress.set(new Progress(0, 50, 0));
      announcer.completed();
      clock.advance(MIN_INTERVAL);
      awaitRequests(tracker, 3);
      assertThat(tracker.requests().get(2).text("event")).isEqualTo("completed");
      assertThat(tracker.requests().get(2).text("left")).isEqualTo("0");

      announcer.completed();
      clock.advance(INTERVAL);
      awaitRequests(tracker, 4);
      assertThat(tracker.requests().get(3).values()).doesNotContainKey("event");

      announcer.close();
      assertThat(tracker.requests()).hasSize(5);
      assertThat(tracker.requests().get(4).text("event")).isEqualTo("stopped");
      // Every announce carried the same key, which is the announcer's own.
      assertThat(tracker.requests())
          .extracting(q -> q.text("key"))
          .containsOnly(tracker.requests().get(0).text("key"));
    }
  }

  @Test
  void aFailingTrackerIsRetriedWithBackoffWhileTheOthersGoOn() throws Exception {
    byte[] down = "<h1>down</h1>".getBytes(StandardCharsets.US_ASCII);
    try (FakeHttpTracker failing = new FakeHttpTracker(FakeHttpTracker.raw(503, down));
        FakeHttpTracker healthy = new FakeHttpTracker(healthy())) {
      Announcer announcer = start(List.of(closedPort(), failing.announce(), healthy.announce()));

      await().until(() -> found.contains(PEER));
      awaitRequests(failing, 1);

      clock.advance(Duration.ofSeconds(10));
      awaitRequests(failing, 2);
      clock.advance(Duration.ofSeconds(20));
      awaitRequests(failing, 3);

      failing.respondWith(healthy());
      clock.advance(Duration.ofSeconds(40));
      awaitRequests(failing, 4);
      assertThat(failing.requests())
          .as("started until the tracker accepts it")
          .extracting(q -> q.text("event"))
          .containsOnly("started");

      announcer.close();
      assertThat(failing.requests()).hasSize(5);
      assertThat(failing.requests().get(4).text("event")).isEqualTo("stopped");
      assertThat(healthy.requests())
          .extracting(q -> q.text("event"))
          .containsExactly("started", "stopped");
    }
  }

  /** A tracker URL nobody listens at: its announces fail at once. */
  private static URI closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/announce");
    }
  }
}
