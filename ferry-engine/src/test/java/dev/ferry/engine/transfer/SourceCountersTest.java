package dev.ferry.engine.transfer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.spi.FileRef;
import dev.ferry.spi.SourceKind;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A file's counters are kept by kind of source, from its transfer's events. */
class SourceCountersTest {
  private static final FileRef FILE =
      new FileRef(UUID.randomUUID(), 0, URI.create("http://127.0.0.1/f"));
  private static final SourceKind TOY = new SourceKind("toy");

  @Test
  void eventsCountBytesAndResponsesUnderTheirKind() {
    FileState state = new FileState(List.of(), 1 << 20);
    FileStats stats = new FileStats(state);
    stats.sourceOpened(SourceKind.ORIGIN, "");
    stats.bytesReceived(FILE, SourceKind.ORIGIN, 100);
    stats.sourceOpened(TOY, "toy.example:81");
    stats.bytesReceived(FILE, TOY, 50);
    stats.bytesReceived(FILE, SourceKind.ORIGIN, 20);
    stats.transferEnded(FILE, 3_000_000);

    SourceCounters counters = state.counters();
    assertThat(counters.bytes(SourceKind.ORIGIN)).isEqualTo(120);
    assertThat(counters.bytes(TOY)).isEqualTo(50);
    assertThat(counters.connections(TOY)).isEqualTo(1);
    assertThat(counters.place(TOY)).isEqualTo("toy.example:81");
    assertThat(counters.place(SourceKind.ORIGIN)).isEmpty();
    assertThat(counters.totalBytes()).isEqualTo(170);
    assertThat(counters.activeMillis()).isEqualTo(3);
    assertThat(state.bytesReceived()).isEqualTo(170);
  }

  @Test
  void theEncodedCountsKeepThePlacesAndReadTheFormatBeforeThem() {
    SourceCounters counters =
        new SourceCounters(
            java.util.Map.of(
                SourceKind.ORIGIN,
                new SourceCounters.PerKind(100, 2),
                SourceKind.CACHE_SERVER,
                new SourceCounters.PerKind(30, 3, "[fd00::1]:8080")),
            9,
            1);
    String encoded = counters.encodeByKind();
    assertThat(encoded).isEqualTo("cache=30/3/[fd00::1]:8080 origin=100/2");
    assertThat(SourceCounters.decode(encoded, 9, 1)).isEqualTo(counters);
    assertThat(
            SourceCounters.decode("cache=30/3 origin=100/2", 9, 1).place(SourceKind.CACHE_SERVER))
        .as("written before places were kept")
        .isEmpty();
  }

  @Test
  void bytesSentToPeersAreKeptByKindOfPeerAndCountNothingReceived() {
    FileState state = new FileState(List.of(), 1 << 20);
    state.addUploaded(SourceKind.LAN_PEER, 4096);
    state.addUploaded(SourceKind.LAN_PEER, 1000);
    state.addUploaded(SourceKind.PEER, 7);
    state.addUploaded(SourceKind.GROUP_PEER, 0);
    SourceCounters counters = state.counters();
    assertThat(counters.uploaded()).isEqualTo(5103);
    assertThat(counters.uploaded(SourceKind.LAN_PEER)).isEqualTo(5096);
    assertThat(counters.uploaded(SourceKind.GROUP_PEER)).isZero();
    assertThat(counters.totalBytes()).as("uploads are not bytes received").isZero();
    String encoded = counters.encodeByKind();
    assertThat(encoded).isEqualTo(">lan-peer=5096 >peer=7");
    assertThat(SourceCounters.decode(encoded, 0, 0)).isEqualTo(counters);
    SourceCounters both =
        new SourceCounters(
            java.util.Map.of(SourceKind.LAN_PEER, new SourceCounters.PerKind(10, 1)),
            2,
            0,
            java.util.Map.of(SourceKind.GROUP_PEER, 7L));
    assertThat(SourceCounters.decode(both.encodeByKind(), 2, 0)).isEqualTo(both);
    FileState restored = new FileState(List.of(), 1 << 20);
    restored.restoreCounters(both);
    assertThat(restored.counters().uploaded(SourceKind.GROUP_PEER)).isEqualTo(7);
    assertThat(SourceCounters.decode("peer=10/1 >peers=5096", 0, 0).uploaded(SourceKind.PEER))
        .as("written before uploads were kept by kind: all to Internet peers")
        .isEqualTo(5096);
  }

  @Test
  void bytesFromPeersOfEveryKindAreThePeersColumn() {
    SourceCounters counters =
        new SourceCounters(
            java.util.Map.of(
                SourceKind.LAN_PEER, new SourceCounters.PerKind(30, 1),
                SourceKind.GROUP_PEER, new SourceCounters.PerKind(20, 2),
                SourceKind.PEER, new SourceCounters.PerKind(10, 3),
                SourceKind.ORIGIN, new SourceCounters.PerKind(5, 1)),
            0,
            0);
    assertThat(counters.bytesFromPeers()).isEqualTo(60);
    assertThat(counters.peerConnections()).isEqualTo(6);
    assertThat(counters.bytesFromHttp()).isEqualTo(5);
  }

  @Test
  void rowsWrittenBeforeCountsByKindKeepTheirSums() {
    SourceCounters counters =
        new SourceCounters(
            java.util.Map.of(
                SourceKind.ORIGIN,
                new SourceCounters.PerKind(100, 2),
                SourceKind.PEER,
                new SourceCounters.PerKind(30, 3),
                TOY,
                new SourceCounters.PerKind(7, 1)),
            9,
            1);
    SourceCounters stored =
        new SourceCounters(
            counters.bytesFromHttp(),
            counters.bytesFromPeers(),
            counters.bytesFromCacheServer(),
            counters.connections(),
            counters.activeMillis(),
            counters.piecesRejected());

    assertThat(stored.totalBytes()).isEqualTo(137);
    assertThat(stored.bytes(SourceKind.PEER)).isEqualTo(30);
    assertThat(stored.bytesFromHttp()).as("a kind of its own folds into HTTP").isEqualTo(107);
    assertThat(stored.connections()).isEqualTo(6);
    FileState restored = new FileState(List.of(), 1 << 20);
    restored.restoreCounters(stored);
    assertThat(restored.counters()).isEqualTo(stored);
    assertThat(restored.bytesReceived()).isEqualTo(137);
  }
}
