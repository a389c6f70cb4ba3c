package dev.ferry.rest;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.CostPolicy;
import dev.ferry.api.delivery.DownloadProperty;
import java.util.Base64;

/**
 * A download property's value as JSON: a string, a number (UINT32, UINT64), true/false, a cost
 * policy's name ({@code STANDARD}), or base64 for a byte array. {@code name} is DO's spelling
 * ({@code NoProgressTimeoutSeconds}); {@code type} is the {@link
 * dev.ferry.api.delivery.PropertyType} name. Callbacks and sinks live in the caller's process and
 * have no JSON form.
 */
public record DownloadPropertyValue(String name, String type, Object value) {

  public static DownloadPropertyValue of(DownloadProperty property, Object value) {
    Object json =
        switch (value) {
          case null -> null;
          case CostPolicy policy -> policy.name();
          case byte[] bytes -> Base64.getEncoder().encodeToString(bytes);
          case String s -> s;
          case Number n -> n;
          case Boolean b -> b;
          default ->
              throw new FerryException(
                  HResult.E_INVALIDARG,
                  property.doName() + " lives in the caller's process and cannot be sent");
        };
    return new DownloadPropertyValue(property.doName(), property.type().name(), json);
  }

  /**
   * The value as the property's Java type; E_INVALIDARG when the JSON type does not fit, exactly as
   * the engine refuses a value of the wrong type.
   */
  public static Object toJava(DownloadProperty property, Object json) {
    if (json == null) {
      return null;
    }
    return switch (property.type()) {
      case COST_POLICY -> {
        if (json instanceof String name) {
          try {
            yield CostPolicy.valueOf(name);
          } catch (IllegalArgumentException e) {
            throw new FerryException(HResult.E_INVALIDARG, "no cost policy " + name);
          }
        }
        yield property.type().coerce(json, property);
      }
      case BYTES -> {
        if (json instanceof String text) {
          try {
            yield Base64.getDecoder().decode(text);
          } catch (IllegalArgumentException e) {
            throw new FerryException(HResult.E_INVALIDARG, property.doName() + " takes base64");
          }
        }
        yield property.type().coerce(json, property);
      }
      case CALLBACK, SINK ->
          throw new FerryException(
              HResult.E_INVALIDARG,
              property.doName() + " lives in the caller's process and cannot be sent to ferryd");
      default -> property.type().coerce(json, property);
    };
  }
}
