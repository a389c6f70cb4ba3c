package dev.ferry.daemon.logging;

/**
 * The logfmt form of keys and values: {@code key=value}, the value in double quotes when it is
 * empty or holds a space, an equals sign, a quote or a control character. Escapes keep every event
 * on one line, which is what journald and grep count as one record.
 */
final class Logfmt {
  private Logfmt() {}

  /** Appends {@code " key=value"} (a space first unless {@code out} is empty). */
  static void append(StringBuilder out, String key, Object value) {
    if (!out.isEmpty()) {
      out.append(' ');
    }
    out.append(key(key)).append('=');
    value(out, value == null ? "" : String.valueOf(value));
  }

  /** A key as logfmt allows it: what would end it or quote it becomes an underscore. */
  static String key(String key) {
    if (key == null || key.isEmpty()) {
      return "_";
    }
    StringBuilder safe = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      safe.append(c <= ' ' || c == '=' || c == '"' || c == 0x7f ? '_' : c);
    }
    return safe.toString();
  }

  static void value(StringBuilder out, String value) {
    if (!needsQuotes(value)) {
      out.append(value);
      return;
    }
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < ' ' || c == 0x7f) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }

  private static boolean needsQuotes(String value) {
    if (value.isEmpty()) {
      return true;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= ' ' || c == '=' || c == '"' || c == '\\' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }
}
