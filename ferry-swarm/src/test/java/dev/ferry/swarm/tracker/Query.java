package dev.ferry.swarm.tracker;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** An announce's query string read back into raw byte values, as a tracker reads it. */
record Query(String path, Map<String, byte[]> values) {
  static Query parse(String target) {
    int mark = target.indexOf('?');
    Map<String, byte[]> values = new LinkedHashMap<>();
    if (mark >= 0) {
      for (String pair : target.substring(mark + 1).split("&")) {
        int eq = pair.indexOf('=');
        values.put(pair.substring(0, eq), decode(pair.substring(eq + 1)));
      }
    }
    return new Query(mark >= 0 ? target.substring(0, mark) : target, values);
  }

  String text(String name) {
    byte[] value = values.get(name);
    return value == null ? null : new String(value, StandardCharsets.ISO_8859_1);
  }

  byte[] bytes(String name) {
    return values.get(name);
  }

  private static byte[] decode(String encoded) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < encoded.length(); i++) {
      char c = encoded.charAt(i);
      if (c == '%') {
        out.write(HexFormat.fromHexDigits(encoded, i + 1, i + 3));
        i += 2;
      } else {
        out.write(c);
      }
    }
    return out.toByteArray();
  }
}
