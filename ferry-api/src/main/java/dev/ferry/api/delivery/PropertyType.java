package dev.ferry.api.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;

/**
 * The VARIANT type of a property and the Java type that carries it. {@link #coerce} accepts what a
 * caller may reasonably pass (any integral {@link Number} in range for the unsigned types, the enum
 * or its number for a cost policy) and fails with {@code E_INVALIDARG} otherwise.
 */
public enum PropertyType {
  /** VT_BSTR. */
  STRING(String.class),
  /** VT_UI4: a non-negative int. */
  UINT32(Integer.class),
  /** VT_I4: an int, which may be negative (Ferry's CacheFallbackDelay, whose -1 is never). */
  INT32(Integer.class),
  /** VT_UI8: a non-negative long. */
  UINT64(Long.class),
  /** VT_BOOL. */
  BOOLEAN(Boolean.class),
  /** VT_UI4 holding a DODownloadCostPolicy. */
  COST_POLICY(CostPolicy.class),
  /** VT_UNKNOWN holding an IDODownloadStatusCallback. */
  CALLBACK(DownloadStatusCallback.class),
  /** VT_UNKNOWN holding an IStream. */
  SINK(DownloadSink.class),
  /** VT_ARRAY | VT_UI1. */
  BYTES(byte[].class);

  private final Class<?> javaType;

  PropertyType(Class<?> javaType) {
    this.javaType = javaType;
  }

  public Class<?> javaType() {
    return javaType;
  }

  /** The value as this type's Java class; null stays null (it clears an optional property). */
  public Object coerce(Object value, Object property) {
    if (value == null || javaType.isInstance(value)) {
      if (this != INT32
          && (value instanceof Integer n && n < 0 || value instanceof Long l && l < 0)) {
        throw mismatch(value, property);
      }
      return value;
    }
    switch (this) {
      case UINT32 -> {
        if (value instanceof Number n && isIntegral(n)) {
          long v = n.longValue();
          if (v >= 0 && v <= Integer.MAX_VALUE) {
            return (int) v;
          }
        }
      }
      case INT32 -> {
        if (value instanceof Number n && isIntegral(n)) {
          long v = n.longValue();
          if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
            return (int) v;
          }
        }
      }
      case UINT64 -> {
        if (value instanceof Number n && isIntegral(n) && n.longValue() >= 0) {
          return n.longValue();
        }
      }
      case COST_POLICY -> {
        if (value instanceof Number n && isIntegral(n)) {
          try {
            return CostPolicy.of(n.intValue());
          } catch (IllegalArgumentException e) {
            throw new FerryException(HResult.E_INVALIDARG, e.getMessage());
          }
        }
      }
      default -> {}
    }
    throw mismatch(value, property);
  }

  private static boolean isIntegral(Number n) {
    return n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte;
  }

  private FerryException mismatch(Object value, Object property) {
    return new FerryException(
        HResult.E_INVALIDARG,
        property
            + " takes "
            + name().toLowerCase(java.util.Locale.ROOT)
            + ", not "
            + value.getClass().getSimpleName()
            + " "
            + value);
  }
}
