package dev.ferry.daemon.api;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.rest.Json;
import io.javalin.http.Context;
import java.io.IOException;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.UUID;

/**
 * Reads the parts of a request. Every malformed part is an E_INVALIDARG {@link FerryException}, so
 * bad input always becomes a 400 and never reaches the 500 path.
 */
final class Requests {
  private static final ObjectMapper MAPPER = Json.mapper();

  private Requests() {}

  static ObjectMapper mapper() {
    return MAPPER;
  }

  static UUID jobId(Context ctx) {
    return uuid(ctx.pathParam("id"), "job id");
  }

  static UUID uuid(String text, String what) {
    try {
      UUID id = UUID.fromString(text);
      // UUID.fromString accepts short forms such as 1-2-3-4-5; only the canonical form names a job.
      if (!id.toString().equalsIgnoreCase(text)) {
        throw new IllegalArgumentException(text);
      }
      return id;
    } catch (IllegalArgumentException e) {
      throw invalid("'" + text + "' is not a valid " + what);
    }
  }

  static int intParam(Context ctx, String name) {
    String text = ctx.pathParam(name);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw invalid("'" + text + "' is not a valid " + name);
    }
  }

  /** A boolean query parameter: absent is false; only {@code true} and {@code false} are valid. */
  static boolean flag(Context ctx, String name) {
    return flag(ctx, name, false);
  }

  /** A boolean query parameter, {@code absent} when it is not given. */
  static boolean flag(Context ctx, String name, boolean absent) {
    String text = ctx.queryParam(name);
    if (text == null) {
      return absent;
    }
    return switch (text) {
      case "true" -> true;
      case "false" -> false;
      default -> throw invalid(name + " must be true or false, not '" + text + "'");
    };
  }

  /** An HRESULT as a decimal number (signed or unsigned 32-bit) or {@code 0x} hexadecimal. */
  static int hresult(String text) {
    if (text == null || text.isBlank()) {
      throw invalid("the hresult parameter is required");
    }
    try {
      long value =
          text.regionMatches(true, 0, "0x", 0, 2)
              ? Long.parseLong(text.substring(2), 16)
              : Long.parseLong(text);
      if (value < Integer.MIN_VALUE || value > 0xFFFFFFFFL) {
        throw new NumberFormatException(text);
      }
      return (int) value;
    } catch (NumberFormatException e) {
      throw invalid("'" + text + "' is not an HRESULT");
    }
  }

  /** A BCP-47 language tag; English when absent. */
  static Locale locale(String tag) {
    if (tag == null || tag.isBlank()) {
      return Locale.ENGLISH;
    }
    try {
      return new Locale.Builder().setLanguageTag(tag).build();
    } catch (IllformedLocaleException e) {
      throw invalid("'" + tag + "' is not a language tag");
    }
  }

  static <E extends Enum<E>> E enumValue(Class<E> type, String name, String what) {
    try {
      return Enum.valueOf(type, name);
    } catch (IllegalArgumentException | NullPointerException e) {
      throw invalid("'" + name + "' is not a " + what);
    }
  }

  /** The JSON body as {@code type}; a body is required. */
  static <T> T body(Context ctx, Class<T> type) {
    byte[] bytes = ctx.bodyAsBytes();
    if (bytes.length == 0) {
      throw invalid("a JSON body is required");
    }
    T value;
    try {
      value = MAPPER.readValue(bytes, type);
    } catch (ValueInstantiationException e) {
      if (e.getCause() instanceof FerryException ferry) {
        throw ferry;
      }
      throw invalid("invalid " + type.getSimpleName() + ": " + brief(e));
    } catch (JacksonException e) {
      throw invalid("invalid " + type.getSimpleName() + ": " + brief(e));
    } catch (IOException e) {
      throw invalid("unreadable body: " + e.getMessage());
    }
    if (value == null) {
      throw invalid("a JSON object is required");
    }
    return value;
  }

  /** Jackson's message without the source location it appends. */
  private static String brief(JacksonException e) {
    String message = String.valueOf(e.getOriginalMessage());
    int newline = message.indexOf('\n');
    if (newline >= 0) {
      message = message.substring(0, newline);
    }
    return message.replaceAll("\\s*\\(start marker at \\[Source:.*$", "").strip();
  }

  static FerryException invalid(String message) {
    return new FerryException(HResult.E_INVALIDARG, message);
  }
}
