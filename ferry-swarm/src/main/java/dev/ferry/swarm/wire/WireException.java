package dev.ferry.swarm.wire;

import java.io.IOException;

/**
 * The peer broke the wire protocol (or a bound Ferry sets on it): the connection is to be closed.
 */
public final class WireException extends IOException {
  public WireException(String reason) {
    super(reason);
  }
}
