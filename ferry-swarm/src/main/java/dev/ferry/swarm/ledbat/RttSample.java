package dev.ferry.swarm.ledbat;

import java.net.InetSocketAddress;

/**
 * One connection's reading: its smoothed round-trip time as the kernel keeps it, the least it
 * measured (over its last five minutes; 0 where not told), and the bytes the peer acknowledged so
 * far (which tell whether it carried uploads since the last reading).
 */
public record RttSample(InetSocketAddress peer, long rttNanos, long minRttNanos, long bytesAcked) {}
