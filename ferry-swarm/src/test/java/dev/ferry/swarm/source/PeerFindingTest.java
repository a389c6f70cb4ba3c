package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.ferry.api.delivery.DownloadMode;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.session.LocalPieces;
import dev.ferry.swarm.session.Swarm;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.session.TorrentSession;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Announces per download: a machine without trackers still announces a download's own, under the
 * key of the download's own group; a second user of a key that brings a tracker not yet announced
 * to gets it announced, and every announce of the key stops when its last user leaves.
 */
class PeerFindingTest {
  private static final Duration PATIENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void aLaterUserAddsItsTrackersAndTheKeysAnnouncesStopWithItsLastUser() throws Exception {
    UUID machineGroup = UUID.fromString("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70");
    UUID ownGroup = UUID.fromString("0b9e8d7c-6b5a-4c3d-8e2f-1a0b9c8d7e6f");
    SingleFileTorrent torrent = torrent();
    SwarmKey key = SwarmKey.forGroup(ownGroup, torrent.infoHash());
    // The machine names no tracker: the trackers' client is made for the download's.
    PeerDiscovery machine = PeerDiscovery.knownPeersOnly().withGroup(machineGroup);
    try (Tracker first = new Tracker();
        Tracker second = new Tracker();
        Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(0));
        PeerFinding finding = PeerFinding.start(machine, swarm)) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      Runnable one =
          finding.find(
              session,
              new PeerScope(DownloadMode.GROUP, Optional.of(ownGroup), List.of(first.url())));
      await().atMost(PATIENCE).until(() -> first.events(key, "started") == 1);

      Runnable two =
          finding.find(
              session,
              new PeerScope(
                  DownloadMode.GROUP, Optional.of(ownGroup), List.of(first.url(), second.url())));
      await().atMost(PATIENCE).until(() -> second.events(key, "started") == 1);
      assertThat(first.events(key, "started")).as("announced once per tracker").isEqualTo(1);
      assertThat(second.announces).allMatch(a -> a.key().equals(key.hex()));

      one.run();
      assertThat(first.events(key, "stopped") + second.events(key, "stopped"))
          .as("the key still has a user")
          .isZero();
      two.run();
      await()
          .atMost(PATIENCE)
          .until(() -> first.events(key, "stopped") == 1 && second.events(key, "stopped") == 1);
    }
  }

  @Test
  void aDownloadWithoutAGroupOfItsOwnIsAnnouncedUnderTheMachinesOrThePublicKey() throws Exception {
    UUID machineGroup = UUID.fromString("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70");
    SingleFileTorrent torrent = torrent();
    try (Tracker tracker = new Tracker();
        Swarm swarm = Swarm.start(SwarmSettings.defaults().withPort(0));
        PeerFinding finding =
            PeerFinding.start(PeerDiscovery.knownPeersOnly().withGroup(machineGroup), swarm)) {
      TorrentSession session = swarm.add(torrent, LocalPieces.none());
      Runnable grouped =
          finding.find(
              session,
              new PeerScope(DownloadMode.GROUP, Optional.of(machineGroup), List.of(tracker.url())));
      Runnable internet =
          finding.find(
              session,
              new PeerScope(DownloadMode.INTERNET, Optional.empty(), List.of(tracker.url())));
      SwarmKey groupKey = SwarmKey.forGroup(machineGroup, torrent.infoHash());
      SwarmKey publicKey = SwarmKey.of(torrent.infoHash());
      await()
          .atMost(PATIENCE)
          .until(() ->
              tracker.events(groupKey, "started") == 1
                  && tracker.events(publicKey, "started") == 1);
      grouped.run();
      internet.run();
      await()
          .atMost(PATIENCE)
          .until(() ->
              tracker.events(groupKey, "stopped") == 1
                  && tracker.events(publicKey, "stopped") == 1);
    }
  }

  private SingleFileTorrent torrent() throws IOException {
    Path file = dir.resolve("content");
    byte[] content = new byte[300 * 1024];
    new Random(19).nextBytes(content);
    Files.write(file, content);
    return CanonicalTorrent.of(file, 256 * 1024);
  }

  /** One announce a tracker heard: the key (hex) and the event ("" for a regular one). */
  private record Announce(String key, String event) {}

  /** An HTTP tracker in the test that records each announce and gives no peers. */
  private static final class Tracker implements AutoCloseable {
    final List<Announce> announces = new CopyOnWriteArrayList<>();
    private final HttpServer server;

    Tracker() throws IOException {
      server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      server.createContext(
          "/announce",
          exchange -> {
            announces.add(parse(exchange.getRequestURI().getRawQuery()));
            byte[] body = "d8:intervali1800e5:peers0:e".getBytes(StandardCharsets.US_ASCII);
            exchange.sendResponseHeaders(200, body.length);
            try (var out = exchange.getResponseBody()) {
              out.write(body);
            }
          });
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/announce");
    }

    long events(SwarmKey key, String event) {
      return announces.stream()
          .filter(a -> a.key().equals(key.hex()) && a.event().equals(event))
          .count();
    }

    private static Announce parse(String query) {
      String key = "";
      String event = "";
      for (String pair : query.split("&")) {
        int eq = pair.indexOf('=');
        String name = pair.substring(0, eq);
        byte[] value = unescape(pair.substring(eq + 1));
        if (name.equals("info_hash")) {
          key = HexFormat.of().formatHex(value);
        } else if (name.equals("event")) {
          event = new String(value, StandardCharsets.US_ASCII);
        }
      }
      return new Announce(key, event);
    }

    /** A query value's bytes: BitTorrent escapes binary info-hashes byte by byte. */
    private static byte[] unescape(String text) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '%') {
          bytes.write(Integer.parseInt(text.substring(i + 1, i + 3), 16));
          i += 2;
        } else {
          bytes.write(c == '+' ? ' ' : c);
        }
      }
      return bytes.toByteArray();
    }

    @Override
    public void close() {
      server.stop(0);
    }
  }
}
