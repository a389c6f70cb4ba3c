package dev.ferry.swarm.mse;

import java.io.IOException;

/** The initiator broke MSE's handshake (or a bound Ferry sets on it): the connection is closed. */
public final class MseException extends IOException {
  public MseException(String reason) {
    super(reason);
  }
}
