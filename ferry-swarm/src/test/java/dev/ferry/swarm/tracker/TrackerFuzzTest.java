package dev.ferry.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Optional;

/**
 * Fuzzes what trackers send: an HTTP answer either parses or is refused with a {@link
 * TrackerException} (no other exception, no OutOfMemoryError), and a UDP datagram is read as an
 * answer or left out, never failing.
 *
 * <p>{@code ./mvnw verify} runs it over its seeds in {@code TrackerFuzzTestInputs/}; {@code
 * scripts/fuzz swarm} fuzzes it for a while.
 */
class TrackerFuzzTest {
  @FuzzTest
  void httpAnswer(byte[] input) {
    try {
      HttpAnnounceParser.Parsed parsed = HttpAnnounceParser.parse("fuzz", input);
      assertThat(parsed.response().interval().isNegative()).isFalse();
      assertThat(parsed.response().peers()).allSatisfy(p -> assertThat(p.getPort()).isPositive());
    } catch (TrackerException refused) {
      // not an answer: refused, as it should be
    }
  }

  @FuzzTest
  void udpAnswer(byte[] input) {
    Optional<UdpCodec.Header> header = UdpCodec.header(input, input.length);
    assertThat(header.isPresent()).isEqualTo(input.length >= 8);
    UdpCodec.connectionId(input, input.length);
    UdpCodec.errorMessage(input, input.length);
    for (int peerSize : new int[] {CompactPeers.IPV4, CompactPeers.IPV6}) {
      UdpCodec.announceResponse(input, input.length, peerSize)
          .ifPresent(answer ->
              assertThat(answer.peers().size())
                  .isLessThanOrEqualTo((input.length - 20) / peerSize));
    }
  }
}
