package dev.ferry.client.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Reads a {@code text/event-stream} (the WHATWG server-sent events format): {@code event:} names
 * the event, {@code data:} lines are joined with newlines, a blank line dispatches, lines starting
 * with {@code :} are comments (keep-alives).
 */
public final class ServerSentEvents {
  private ServerSentEvents() {}

  /** One dispatched event; the name is {@code message} when the server gave none. */
  public record Event(String name, String data, String id) {}

  /** Reads events until the stream ends; an IOException means the stream broke. */
  public static void read(InputStream in, Consumer<Event> sink) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    Parser parser = new Parser(sink);
    for (String line; (line = reader.readLine()) != null; ) {
      parser.line(line);
    }
    // An event without its closing blank line is incomplete: the format says to drop it.
  }

  /** The line-level state machine, separate from I/O so it can be fed line by line. */
  public static final class Parser {
    private final Consumer<Event> sink;
    private String name = "";
    private final StringBuilder data = new StringBuilder();
    private boolean hasData;
    private String lastId = "";

    public Parser(Consumer<Event> sink) {
      this.sink = sink;
    }

    public void line(String line) {
      if (line.isEmpty()) {
        dispatch();
        return;
      }
      if (line.startsWith(":")) {
        return;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "event" -> name = value;
        case "data" -> {
          if (hasData) {
            data.append('\n');
          }
          data.append(value);
          hasData = true;
        }
        case "id" -> {
          if (value.indexOf('\0') < 0) {
            lastId = value;
          }
        }
        default -> {
          // "retry" and unknown fields: the client has its own reconnection policy.
        }
      }
    }

    private void dispatch() {
      if (hasData) {
        sink.accept(new Event(name.isEmpty() ? "message" : name, data.toString(), lastId));
      }
      name = "";
      data.setLength(0);
      hasData = false;
    }
  }
}
