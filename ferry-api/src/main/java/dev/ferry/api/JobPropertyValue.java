package dev.ferry.api;

import java.util.UUID;

/** BITS_JOB_PROPERTY_VALUE: the union of the value types a job property can have. */
public sealed interface JobPropertyValue {
  record Dword(int value) implements JobPropertyValue {}

  record ClsId(UUID value) implements JobPropertyValue {
    public ClsId {
      if (value == null) {
        throw new FerryException(
            HResult.E_INVALIDARG, "a CLSID is required; use the nil UUID to clear");
      }
    }
  }

  record Enable(boolean value) implements JobPropertyValue {}

  /** An unsigned 64-bit value. */
  record Uint64(long value) implements JobPropertyValue {}

  /** A string, for Ferry's own properties (BITS's union has none). */
  record Text(String value) implements JobPropertyValue {
    public Text {
      if (value == null) {
        throw new FerryException(HResult.E_INVALIDARG, "a string is required; use \"\" to clear");
      }
    }
  }

  record Target(AuthTarget value) implements JobPropertyValue {
    public Target {
      if (value == null) {
        throw new FerryException(HResult.E_INVALIDARG, "an authentication target is required");
      }
    }
  }
}
