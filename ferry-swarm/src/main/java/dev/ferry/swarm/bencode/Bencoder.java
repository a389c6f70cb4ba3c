package dev.ferry.swarm.bencode;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Encodes a value in its one canonical form: keys in raw byte order, integers in shortest form. */
public final class Bencoder {
  private Bencoder() {}

  public static byte[] encode(BValue value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    write(value, out);
    return out.toByteArray();
  }

  private static void write(BValue value, ByteArrayOutputStream out) {
    switch (value) {
      case BInteger integer -> ascii(out, "i" + integer.value() + "e");
      case BString string -> {
        ascii(out, string.length() + ":");
        out.writeBytes(string.raw());
      }
      case BList list -> {
        out.write('l');
        list.items().forEach(item -> write(item, out));
        out.write('e');
      }
      case BDict dict -> {
        out.write('d');
        for (Map.Entry<BString, BValue> entry : dict.entries().entrySet()) {
          write(entry.getKey(), out);
          write(entry.getValue(), out);
        }
        out.write('e');
      }
    }
  }

  private static void ascii(ByteArrayOutputStream out, String text) {
    out.writeBytes(text.getBytes(StandardCharsets.US_ASCII));
  }
}
