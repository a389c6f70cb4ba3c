package dev.ferry.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The tracker for a URL is chosen by its scheme; others are refused, saying why. */
class TrackersTest {
  private final Trackers trackers = new Trackers(TrackerSettings.defaults());

  @AfterEach
  void close() {
    trackers.close();
  }

  @Test
  void httpHttpsAndUdpAreTrackers() throws Exception {
    try (Tracker http = trackers.open(URI.create("http://tracker.example/announce"));
        Tracker https = trackers.open(URI.create("HTTPS://tracker.example/announce?passkey=x"));
        Tracker udp = trackers.open(URI.create("udp://tracker.example:6969/announce"))) {
      assertThat(http).isInstanceOf(HttpTracker.class);
      assertThat(https).isInstanceOf(HttpTracker.class);
      assertThat(udp).isInstanceOf(UdpTracker.class);
      assertThat(udp.uri()).hasToString("udp://tracker.example:6969/announce");
    }
  }

  @Test
  void otherSchemesAreRefusedByName() {
    assertThatThrownBy(() -> trackers.open(URI.create("wss://tracker.example/announce")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'wss'")
        .hasMessageContaining("http, https and udp");
    assertThatThrownBy(() -> trackers.open(URI.create("dht:abc")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'dht'");
  }

  @Test
  void aUdpTrackerNeedsAHostAndAPort() {
    assertThatThrownBy(() -> trackers.open(URI.create("udp://tracker.example/announce")))
        .hasMessageContaining("no port");
    assertThatThrownBy(() -> trackers.open(URI.create("http:///announce")))
        .hasMessageContaining("no host");
  }
}
