package dev.ferry.swarm.discovery;

import java.io.IOException;

/** A datagram that is not a BEP 14 announce Ferry accepts: it is dropped. */
public final class LsdException extends IOException {
  public LsdException(String reason) {
    super(reason);
  }
}
