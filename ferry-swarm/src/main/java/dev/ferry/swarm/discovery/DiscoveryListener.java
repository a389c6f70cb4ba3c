package dev.ferry.swarm.discovery;

import dev.ferry.swarm.content.SwarmKey;
import java.net.InetSocketAddress;

/** Where a {@link LocalDiscovery} reports the peers it hears of. */
@FunctionalInterface
public interface DiscoveryListener {
  /**
   * {@code peer} (the announce's source address and the Port it gave) takes part in {@code key}'s
   * swarm. Called on the receiving thread, once for each key of each announce heard, so the same
   * peer comes again every few minutes: whoever connects to peers keeps track of them.
   */
  void found(SwarmKey key, InetSocketAddress peer);
}
