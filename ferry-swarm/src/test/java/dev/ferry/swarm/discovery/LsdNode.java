package dev.ferry.swarm.discovery;

import dev.ferry.swarm.content.SwarmKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.Set;

/**
 * A {@link LocalDiscovery} in a child JVM, for the namespace tests: announces the keys it is given
 * and prints, each on a line of its own, {@code LSD-READY}, {@code LSD-PEER <key> <address> <port>}
 * for each peer reported and {@code LSD-STATS <stats>} when they change; ends when its standard
 * input closes.
 *
 * <p>Arguments: the peer port, {@code SUBNET} or {@code NONE}, {@code V4} or {@code BOTH}, then
 * keys in hex.
 */
public final class LsdNode {
  private LsdNode() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    int port = Integer.parseInt(args[0]);
    PeerRestriction restriction = PeerRestriction.valueOf(args[1]);
    Set<LsdGroup> groups =
        args[2].equals("V4") ? EnumSet.of(LsdGroup.V4) : EnumSet.allOf(LsdGroup.class);
    DiscoverySettings settings =
        DiscoverySettings.defaults().withRestriction(restriction).withGroups(groups);
    try (LocalDiscovery discovery =
        LocalDiscovery.start(
            settings,
            port,
            (key, peer) ->
                System.out.println(
                    "LSD-PEER "
                        + key
                        + " "
                        + peer.getAddress().getHostAddress()
                        + " "
                        + peer.getPort()))) {
      System.out.println("LSD-READY " + discovery.interfaces());
      Thread stats = Thread.ofVirtual().start(() -> printStats(discovery));
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("go")) {
          for (int i = 3; i < args.length; i++) {
            discovery.announce(SwarmKey.parse(args[i]));
          }
        }
      }
      stats.interrupt();
    }
  }

  private static void printStats(LocalDiscovery discovery) {
    DiscoveryStats last = null;
    try {
      while (true) {
        DiscoveryStats now = discovery.stats();
        if (!now.equals(last)) {
          System.out.println("LSD-STATS " + now);
          last = now;
        }
        Thread.sleep(100);
      }
    } catch (InterruptedException e) {
      // Ending.
    }
  }
}
