package dev.ferry.rest;

import dev.ferry.api.AuthTarget;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPropertyValue;
import java.util.UUID;

/**
 * A property value: BITS_JOB_PROPERTY_VALUE's union as {@code type} (DWORD, CLSID, ENABLE, UINT64,
 * TARGET, STRING) and its value as text: a number, a UUID, true/false, SERVER/PROXY.
 */
public record PropertyValue(String type, String value) {
  public static PropertyValue of(JobPropertyValue value) {
    return switch (value) {
      case JobPropertyValue.Dword d ->
          new PropertyValue("DWORD", Integer.toUnsignedString(d.value()));
      case JobPropertyValue.ClsId c -> new PropertyValue("CLSID", c.value().toString());
      case JobPropertyValue.Enable e -> new PropertyValue("ENABLE", Boolean.toString(e.value()));
      case JobPropertyValue.Uint64 u ->
          new PropertyValue("UINT64", Long.toUnsignedString(u.value()));
      case JobPropertyValue.Target t -> new PropertyValue("TARGET", t.value().name());
      case JobPropertyValue.Text t -> string(t.value());
    };
  }

  public static PropertyValue string(String value) {
    return new PropertyValue("STRING", value);
  }

  public JobPropertyValue toJobPropertyValue() {
    if (type == null || value == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a property value needs a type and a value");
    }
    try {
      return switch (type) {
        case "DWORD" -> new JobPropertyValue.Dword(Integer.parseUnsignedInt(value));
        case "CLSID" -> new JobPropertyValue.ClsId(UUID.fromString(value));
        case "ENABLE" -> new JobPropertyValue.Enable(parseBoolean(value));
        case "UINT64" -> new JobPropertyValue.Uint64(Long.parseUnsignedLong(value));
        case "TARGET" -> new JobPropertyValue.Target(AuthTarget.valueOf(value));
        case "STRING" -> new JobPropertyValue.Text(value);
        default ->
            throw new FerryException(HResult.E_INVALIDARG, "unknown property value type " + type);
      };
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "'" + value + "' is not a valid " + type);
    }
  }

  private static boolean parseBoolean(String text) {
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException(text);
    };
  }
}
