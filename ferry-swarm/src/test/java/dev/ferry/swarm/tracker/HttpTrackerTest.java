package dev.ferry.swarm.tracker;

import static dev.ferry.swarm.tracker.Requests.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.swarm.bencode.BDict;
import dev.ferry.swarm.bencode.BList;
import dev.ferry.swarm.bencode.BString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP announces against a tracker in the test on a real socket: what the request carries, the
 * answer's forms (compact, BEP 7's peers6, BEP 3's dictionaries), and the answers of a tracker that
 * refuses, misbehaves or tries to make Ferry read without end.
 */
class HttpTrackerTest {
  private static final int MAX_BYTES = 4096;

  private final Trackers trackers =
      new Trackers(TrackerSettings.defaults().withMaxResponseBytes(MAX_BYTES));
  private FakeHttpTracker server;

  @AfterEach
  void close() throws IOException {
    trackers.close();
    if (server != null) {
      server.close();
    }
  }

  private Tracker tracker(FakeHttpTracker.Responder responder) throws IOException {
    server = new FakeHttpTracker(responder);
    return trackers.open(server.announce());
  }

  private static BDict.Builder answer() {
    return BDict.builder().put("interval", 1800);
  }

  @Test
  void anAnnounceCarriesBep3sParametersAndReadsCompactPeersOfBothFamilies() throws Exception {
    byte[] peers = HexFormat.of().parseHex("7f0000011ae1" + "0a000002c8d5");
    byte[] peers6 = HexFormat.of().parseHex("00000000000000000000000000000001" + "1b58");
    Tracker tracker =
        tracker(
            FakeHttpTracker.bencoded(
                answer()
                    .put("min interval", 900)
                    .put("complete", 2)
                    .put("incomplete", 3)
                    .put("peers", peers)
                    .put("peers6", peers6)
                    .put("warning message", BString.of("be nice"))
                    .put("tracker id", BString.of("T%1"))
                    .build()));
    AnnounceRequest started = request(AnnounceEvent.STARTED);

    AnnounceResponse response = tracker.announce(started);

    assertThat(response.interval()).isEqualTo(Duration.ofSeconds(1800));
    assertThat(response.minInterval()).contains(Duration.ofSeconds(900));
    assertThat(response.seeders()).hasValue(2);
    assertThat(response.leechers()).hasValue(3);
    assertThat(response.warning()).contains("be nice");
    assertThat(response.peers())
        .containsExactly(
            new InetSocketAddress("127.0.0.1", 6881),
            new InetSocketAddress("10.0.0.2", 51413),
            new InetSocketAddress("::1", 7000));
    Query first = server.requests().getFirst();
    assertThat(first.path()).isEqualTo("/announce");
    assertThat(first.bytes("info_hash")).isEqualTo(Requests.KEY.bytes());
    assertThat(first.bytes("peer_id")).isEqualTo(started.peerId().bytes());
    assertThat(first.text("port")).isEqualTo("6881");
    assertThat(first.text("uploaded")).isEqualTo("10");
    assertThat(first.text("downloaded")).isEqualTo("20");
    assertThat(first.text("left")).isEqualTo("30");
    assertThat(first.text("compact")).isEqualTo("1");
    assertThat(first.text("event")).isEqualTo("started");
    assertThat(first.text("numwant")).isEqualTo("30");
    assertThat(first.text("key")).isEqualTo("0BADF00D");
    assertThat(first.values()).doesNotContainKey("trackerid");

    tracker.announce(request(AnnounceEvent.NONE));

    Query second = server.requests().get(1);
    assertThat(second.values()).doesNotContainKey("event");
    assertThat(second.text("trackerid")).isEqualTo("T%1");
  }

  @Test
  void aQueryInTheAnnounceUrlIsKept() throws Exception {
    server = new FakeHttpTracker(FakeHttpTracker.bencoded(answer().build()));
    Tracker tracker = trackers.open(URI.create(server.announce() + "?passkey=abc"));

    tracker.announce(request(AnnounceEvent.STOPPED));

    Query query = server.requests().getFirst();
    assertThat(query.text("passkey")).isEqualTo("abc");
    assertThat(query.text("event")).isEqualTo("stopped");
    assertThat(query.bytes("info_hash")).isEqualTo(Requests.KEY.bytes());
  }

  @Test
  void bep3sDictionaryPeersAreAcceptedAndNamesAreNotLookedUp() throws Exception {
    BDict peer =
        BDict.builder()
            .put("peer id", new byte[20])
            .put("ip", BString.of("10.0.0.3"))
            .put("port", 6881)
            .build();
    BDict v6 = BDict.builder().put("ip", BString.of("fe80::1")).put("port", 6882).build();
    BDict named = BDict.builder().put("ip", BString.of("peer.example")).put("port", 1).build();
    BDict notAnAddress = BDict.builder().put("ip", BString.of("999.1.1.1")).put("port", 1).build();
    BDict noPort = BDict.builder().put("ip", BString.of("10.0.0.4")).put("port", 0).build();
    Tracker tracker =
        tracker(
            FakeHttpTracker.bencoded(
                answer()
                    .put("peers", new BList(List.of(peer, named, v6, notAnAddress, noPort)))
                    .build()));

    AnnounceResponse response = tracker.announce(request(AnnounceEvent.NONE));

    assertThat(response.peers())
        .containsExactly(
            new InetSocketAddress("10.0.0.3", 6881), new InetSocketAddress("fe80::1", 6882));
  }

  @Test
  void aFailureReasonIsTheTrackersRefusalWhateverTheStatus() throws Exception {
    byte[] refusal = "d14:failure reason17:torrent not founde".getBytes(StandardCharsets.US_ASCII);
    Tracker tracker = tracker(FakeHttpTracker.raw(400, refusal));

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.STARTED)))
        .isInstanceOfSatisfying(
            TrackerException.class,
            e -> assertThat(e.failureReason()).contains("torrent not found"))
        .hasMessageContaining("refused: torrent not found");
  }

  @Test
  void anErrorPageIsReportedByItsStatus() throws Exception {
    Tracker tracker =
        tracker(FakeHttpTracker.raw(503, "<h1>down</h1>".getBytes(StandardCharsets.US_ASCII)));

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.STARTED)))
        .isInstanceOfSatisfying(
            TrackerException.class, e -> assertThat(e.failureReason()).isEmpty())
        .hasMessageContaining("HTTP status 503");
  }

  @Test
  void anAnswerWithoutIntervalOrNotBencodeIsRefused() throws Exception {
    Tracker tracker =
        tracker(FakeHttpTracker.bencoded(BDict.builder().put("peers", new byte[0]).build()));
    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("no interval");

    server.respondWith(
        FakeHttpTracker.raw(200, "d8:intervali1e".getBytes(StandardCharsets.US_ASCII)));
    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("not bencode");
  }

  @Test
  void anAnswerLargerThanTheBoundIsRefusedBeforeItIsRead() throws Exception {
    Tracker tracker = tracker(FakeHttpTracker.raw(200, new byte[MAX_BYTES + 1]));

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("too large");
  }

  /** No length, and no end: Ferry stops at the bound and hangs up rather than draining it. */
  @Test
  void anEndlessChunkedAnswerIsCutOffAtTheBound() throws Exception {
    Tracker tracker =
        tracker((target, out) -> {
          out.write(
              "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
          byte[] chunk =
              ("400\r\n" + "d".repeat(1024) + "\r\n").getBytes(StandardCharsets.US_ASCII);
          while (true) {
            out.write(chunk);
          }
        });

    assertThatThrownBy(() -> tracker.announce(request(AnnounceEvent.NONE)))
        .isInstanceOf(TrackerException.class)
        .hasMessageContaining("too large");

    // The tracker's connection was dropped, not kept for the next announce.
    server.respondWith(FakeHttpTracker.bencoded(answer().build()));
    assertThat(tracker.announce(request(AnnounceEvent.NONE)).peers()).isEmpty();
  }
}
