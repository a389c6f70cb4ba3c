package dev.ferry.api.delivery;

/**
 * DODownloadCostPolicy. Ferry cannot yet tell a metered network from another, so every policy
 * downloads; the value is kept and reported so callers and a later network monitor agree.
 */
public enum CostPolicy {
  ALWAYS(0),
  UNRESTRICTED(1),
  STANDARD(2),
  NO_ROAMING(3),
  NO_SURCHARGE(4),
  NO_CELLULAR(5);

  private final int value;

  CostPolicy(int value) {
    this.value = value;
  }

  public int value() {
    return value;
  }

  public static CostPolicy of(int value) {
    for (CostPolicy policy : values()) {
      if (policy.value == value) {
        return policy;
      }
    }
    throw new IllegalArgumentException("no DODownloadCostPolicy " + value);
  }
}
