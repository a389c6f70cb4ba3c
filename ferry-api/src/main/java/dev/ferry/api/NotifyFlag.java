package dev.ferry.api;

import java.util.EnumSet;
import java.util.Set;

/** The BG_NOTIFY_* bits that choose which callbacks a job makes. */
public enum NotifyFlag {
  JOB_TRANSFERRED(0x0001),
  JOB_ERROR(0x0002),
  /** Overrides every other flag: no notifications at all. */
  DISABLE(0x0004),
  JOB_MODIFICATION(0x0008),
  FILE_TRANSFERRED(0x0010),
  FILE_RANGES_TRANSFERRED(0x0020);

  /** What a new job starts with: transferred and error notifications, as BITS tools default to. */
  public static final Set<NotifyFlag> DEFAULT = Set.copyOf(EnumSet.of(JOB_TRANSFERRED, JOB_ERROR));

  private final int bit;

  NotifyFlag(int bit) {
    this.bit = bit;
  }

  public int bit() {
    return bit;
  }

  public static int toMask(Set<NotifyFlag> flags) {
    int mask = 0;
    for (NotifyFlag flag : flags) {
      mask |= flag.bit;
    }
    return mask;
  }

  /** The flags of a BG_NOTIFY mask; E_NOTIMPL when it has an undefined bit. */
  public static Set<NotifyFlag> fromMask(int mask) {
    EnumSet<NotifyFlag> flags = EnumSet.noneOf(NotifyFlag.class);
    int rest = mask;
    for (NotifyFlag flag : values()) {
      if ((mask & flag.bit) != 0) {
        flags.add(flag);
        rest &= ~flag.bit;
      }
    }
    if (rest != 0) {
      throw new FerryException(
          HResult.E_NOTIMPL, "undefined notify flag bits " + HResult.hex(rest) + " in " + mask);
    }
    return flags;
  }
}
