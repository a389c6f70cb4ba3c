package dev.ferry.swarm.tracker;

/**
 * Why an announce is made: the regular one (no event), or one of BEP 3's three events. Each knows
 * its name in an HTTP query and its number in a UDP announce (BEP 15), which order them
 * differently.
 */
public enum AnnounceEvent {
  NONE("", 0),
  COMPLETED("completed", 1),
  STARTED("started", 2),
  STOPPED("stopped", 3);

  private final String httpName;
  private final int udpCode;

  AnnounceEvent(String httpName, int udpCode) {
    this.httpName = httpName;
    this.udpCode = udpCode;
  }

  /** The {@code event} parameter's value; empty for the regular announce, which omits it. */
  public String httpName() {
    return httpName;
  }

  public int udpCode() {
    return udpCode;
  }
}
