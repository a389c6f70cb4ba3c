package dev.ferry.swarm.ledbat;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code ss -tinH}'s output, as this machine's iproute2 prints it, read into samples. */
class SocketRttsTest {
  private static final String OUT =
      """
      0      0      127.0.0.1:50502 127.0.0.1:52295
      \t bbr wscale:10,10 rto:208 rtt:0.024/0.012 ato:40 mss:32768 bytes_acked:1 \
      bytes_received:100000 bbr:(bw:0bps,mrtt:0.024,pacing_gain:1,cwnd_gain:1) rcv_rtt:0.139 \
      minrtt:0.024
      0      0      127.0.0.1:52295 127.0.0.1:50502
      \t bbr wscale:10,10 rto:204 rtt:0.043/0.046 mss:47616 bytes_sent:100000 \
      bytes_acked:100000 minrtt:0.019
      0      1448   [::ffff:10.88.1.2]:7680 [::ffff:10.88.1.9]:40112
      \t cubic rto:1200 rtt:950.5/30 bytes_acked:52428800
      0      0      [fd00::1]:7680 [fd00::2]:51000
      \t cubic rto:204
      """;

  @Test
  void eachSocketsRoundTripTimeAndAcknowledgedBytesAreRead() {
    List<RttSample> samples = SocketRtts.parse(OUT);
    assertThat(samples)
        .containsExactly(
            new RttSample(new InetSocketAddress("127.0.0.1", 52295), 24_000, 24_000, 1),
            new RttSample(new InetSocketAddress("127.0.0.1", 50502), 43_000, 19_000, 100_000),
            new RttSample(new InetSocketAddress("10.88.1.9", 40112), 950_500_000, 0, 52_428_800));
  }

  @Test
  void nothingReadableIsNothing() {
    assertThat(SocketRtts.parse("")).isEmpty();
    assertThat(SocketRtts.parse("Cannot open netlink socket: Permission denied\n")).isEmpty();
  }
}
