package dev.ferry.swarm.tracker;

import dev.ferry.swarm.content.SwarmKey;
import dev.ferry.swarm.wire.PeerId;
import java.util.Objects;

/**
 * One announce.
 *
 * @param swarm what is announced (the {@code info_hash})
 * @param peerId this node's id
 * @param port the port peers connect to
 * @param progress the transfer's counts
 * @param event why the announce is made
 * @param numWant how many peers are asked for; -1 leaves it to the tracker
 * @param key BEP 3's {@code key}: a number of this client's own that lets the tracker recognise it
 *     when its address changes; never shared with peers
 */
public record AnnounceRequest(
    SwarmKey swarm,
    PeerId peerId,
    int port,
    Progress progress,
    AnnounceEvent event,
    int numWant,
    int key) {
  public AnnounceRequest {
    Objects.requireNonNull(swarm, "swarm");
    Objects.requireNonNull(peerId, "peerId");
    Objects.requireNonNull(progress, "progress");
    Objects.requireNonNull(event, "event");
    if (port < 0 || port > 0xffff) {
      throw new IllegalArgumentException("no such port: " + port);
    }
    if (numWant < -1) {
      throw new IllegalArgumentException("numWant is -1 (the tracker's choice) or a count");
    }
  }

  public AnnounceRequest withEvent(AnnounceEvent other) {
    return new AnnounceRequest(swarm, peerId, port, progress, other, numWant, key);
  }

  public AnnounceRequest withProgress(Progress other) {
    return new AnnounceRequest(swarm, peerId, port, other, event, numWant, key);
  }
}
