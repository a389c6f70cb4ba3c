package dev.ferry.api.delivery;

/** SwarmStatus: where a file stands in its swarm. */
public enum SwarmStatus {
  DOWNLOADING(0),
  COMPLETE(1),
  /** Done and eligible to serve peers. */
  CACHING(2),
  PAUSED(3);

  private final int value;

  SwarmStatus(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }
}
