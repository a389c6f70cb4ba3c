package dev.ferry.api;

/** BITS_COST_STATE bits and the composite BITS_JOB_TRANSFER_POLICY masks. */
public final class CostFlags {
  private CostFlags() {}

  public static final int UNRESTRICTED = 0x00000001;
  public static final int CAPPED_USAGE_UNKNOWN = 0x00000002;
  public static final int BELOW_CAP = 0x00000004;
  public static final int NEAR_CAP = 0x00000008;
  public static final int OVERCAP_CHARGED = 0x00000010;
  public static final int OVERCAP_THROTTLED = 0x00000020;
  public static final int USAGE_BASED = 0x00000040;
  public static final int ROAMING = 0x00000080;
  public static final int RESERVED = 0x40000000;
  public static final int IGNORE_CONGESTION = 0x80000000;

  public static final int TRANSFER_ALWAYS = 0x800000FF;
  public static final int TRANSFER_NOT_ROAMING = 0x8000007F;
  public static final int TRANSFER_NO_SURCHARGE = 0x8000006F;
  public static final int TRANSFER_STANDARD = 0x80000067;
  public static final int TRANSFER_UNRESTRICTED = 0x80000021;

  /**
   * Whether a job with cost mask {@code flags} may transfer on a network in cost state {@code
   * state}.
   */
  public static boolean allows(int flags, int state) {
    return (flags & state) != 0;
  }
}
