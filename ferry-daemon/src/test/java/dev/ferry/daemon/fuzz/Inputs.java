package dev.ferry.daemon.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

/**
 * Shapes fuzzer bytes into the parts of requests: mostly valid values with one thing wrong, since
 * wholly random bytes rarely get past the JSON parser to the code behind it.
 */
final class Inputs {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final FuzzedDataProvider d;
  private final FuzzDaemon fx;

  Inputs(FuzzedDataProvider d, FuzzDaemon fx) {
    this.d = d;
    this.fx = fx;
  }

  int pick(int n) {
    return d.consumeInt(0, n - 1);
  }

  boolean bool() {
    return d.consumeBoolean();
  }

  String text(int max) {
    return d.consumeString(max);
  }

  byte[] bytes(int max) {
    return d.consumeBytes(max);
  }

  /** A short file name: fuzzed, but never empty, a separator or a dot name. */
  String name() {
    String s = d.consumeAsciiString(12).replaceAll("[^A-Za-z0-9_-]", "");
    return s.isEmpty() ? "f.bin" : s;
  }

  /** A remote name: the schemes Ferry takes, the ones it must refuse, and broken ones. */
  String url(FuzzDaemon.Who who) {
    String origin = fx.origin.url("/f.bin");
    String secret = who == FuzzDaemon.Who.USER ? fx.sentinel.resolve("secret").toString() : "/x";
    return switch (pick(28)) {
      case 0, 1 -> origin;
      case 2 -> fx.origin.url("/missing");
      case 3, 4 -> "file://" + fx.source;
      case 5 -> "file://localhost" + fx.source;
      case 6 -> "file://" + secret;
      case 7 -> "file:///etc/shadow";
      case 8 -> "file://" + fx.sentinel + "/../src/small.bin";
      case 9 -> "file://elsewhere/x";
      case 10 -> "file:relative";
      case 11 -> "ftp://127.0.0.1/x";
      case 12 -> "javascript:alert(1)";
      case 13 -> "data:text/plain,hello";
      case 14 -> "gopher://127.0.0.1:70/_x";
      case 15 -> "jar:file:" + fx.source + "!/x";
      case 16 -> "HTTP://127.0.0.1:1/closed";
      case 17 -> "http://user:pw@127.0.0.1/x";
      case 18 -> "http:///nohost";
      case 19 -> "http://[::1";
      case 20 -> "http://127.0.0.1:99999/";
      case 21 -> origin + "?" + "a".repeat(d.consumeInt(0, 5000));
      case 22 -> origin + " " + name();
      case 23 -> origin + "\u0000x";
      case 24 -> "http://\u00e9xample.invalid/x";
      case 25 -> "";
      case 26 -> "file://" + fx.allowed + "/" + name();
      default -> text(300);
    };
  }

  /** A local name: in allowed/, through the planted links, past it, or malformed. */
  String localName(FuzzDaemon.Who who) {
    Path a = fx.allowed;
    return switch (pick(26)) {
      case 0, 1, 2 -> a + "/" + name();
      case 3 -> a + "/sub/" + name();
      case 4 -> a + "/swap/" + name();
      case 5 -> a + "/victim-link";
      case 6 -> a + "/dangling";
      case 7 -> a + "/up/" + name();
      case 8 -> a + "/../sentinel/" + name();
      case 9 -> a + "/./" + name();
      case 10 -> a + "//" + name();
      case 11 -> a + "/" + name() + "/";
      case 12 -> a + "/sub/../" + name();
      case 13 -> a.toString();
      case 14 -> a + "/" + name() + "\u0000x";
      case 15 -> a + "/" + "n".repeat(d.consumeInt(200, 300));
      case 16 -> a + "/d".repeat(d.consumeInt(100, 3000));
      case 17 -> fx.sentinel + "/" + name();
      case 18 -> fx.sentinel + "/victim";
      case 19 -> "relative/" + name();
      case 20 -> "";
      case 21 -> "/";
      case 22 -> who == FuzzDaemon.Who.USER ? "/etc/ferry-fuzz-" + name() : a + "/" + name();
      case 23 -> "~/" + name();
      case 24 -> a + "/" + text(40);
      default -> text(200);
    };
  }

  /** A job id for a path: the caller's job, someone else's, unknown, or malformed. */
  String jobId(String own, String other) {
    return switch (pick(10)) {
      case 0, 1, 2 -> own;
      case 3 -> other;
      case 4 -> UUID.randomUUID().toString();
      case 5 -> own.toUpperCase();
      case 6 -> "{" + own + "}";
      case 7 -> "1-2-3-4-5";
      case 8 -> "";
      default -> encode(text(60));
    };
  }

  String index() {
    return switch (pick(6)) {
      case 0, 1 -> "0";
      case 2 -> "1";
      case 3 -> "-1";
      case 4 -> "99999999999";
      default -> encode(text(20));
    };
  }

  String property() {
    return switch (pick(4)) {
      case 0 -> Integer.toString(d.consumeInt(0, 20));
      case 1 -> Integer.toString(d.consumeInt());
      case 2 -> "0x1";
      default -> encode(text(20));
    };
  }

  String hresult() {
    return switch (pick(6)) {
      case 0 -> "0x80200001";
      case 1 -> Integer.toString(d.consumeInt());
      case 2 -> Long.toString(d.consumeLong());
      case 3 -> "0x" + Long.toHexString(d.consumeLong());
      case 4 -> "-0x1";
      default -> encode(text(30));
    };
  }

  /** Percent-encodes bytes that cannot stand in a request target, some of the time. */
  String encode(String s) {
    if (bool()) {
      return s;
    }
    StringBuilder out = new StringBuilder();
    for (byte b : s.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      if (c > 0x20 && c < 0x7f && c != '%' && c != '?' && c != '#') {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** A JSON value standing in for a valid one: the valid one, or one of another type or size. */
  JsonNode value(JsonNode valid) {
    return switch (pick(14)) {
      case 0, 1, 2, 3, 4, 5 -> valid;
      case 6 -> NODES.nullNode();
      case 7 -> NODES.numberNode(d.consumeLong());
      case 8 -> NODES.numberNode(new BigInteger("9".repeat(d.consumeInt(20, 400))));
      case 9 -> NODES.numberNode(d.consumeDouble());
      case 10 -> NODES.booleanNode(bool());
      case 11 -> NODES.textNode(text(100));
      case 12 -> NODES.textNode("x".repeat(d.consumeInt(1000, 200_000)));
      default -> bool() ? NODES.arrayNode().add(valid) : NODES.objectNode().set("v", valid);
    };
  }

  /** {@code valid} with each field kept, dropped or replaced, and maybe an unknown one added. */
  ObjectNode object(ObjectNode valid) {
    ObjectNode out = NODES.objectNode();
    valid
        .properties()
        .forEach(e -> {
          if (pick(8) != 0) {
            out.set(e.getKey(), value(e.getValue()));
          }
        });
    if (pick(10) == 0) {
      out.set(bool() ? "unknownField" : text(10), value(NODES.textNode("x")));
    }
    return out;
  }

  ObjectNode createJob() {
    ObjectNode valid = NODES.objectNode();
    valid.put("displayName", bool() ? "fuzz" : text(300));
    valid.put(
        "type",
        switch (pick(5)) {
          case 0, 1 -> "DOWNLOAD";
          case 2 -> "UPLOAD";
          case 3 -> "UPLOAD_REPLY";
          default -> text(20);
        });
    return object(valid);
  }

  ObjectNode newFile(FuzzDaemon.Who who, boolean ranges) {
    ObjectNode file = NODES.objectNode();
    file.put("remoteName", url(who));
    file.put("localName", localName(who));
    if (ranges) {
      ArrayNode list = file.putArray("ranges");
      int n = pick(4);
      for (int i = 0; i < n; i++) {
        ObjectNode r = list.addObject();
        r.put("offset", bool() ? d.consumeLong(0, 100_000) : d.consumeLong());
        r.put("length", bool() ? d.consumeLong(1, 100_000) : d.consumeLong());
      }
    }
    return object(file);
  }

  ObjectNode addFiles(FuzzDaemon.Who who) {
    ObjectNode body = NODES.objectNode();
    ArrayNode files = body.putArray("files");
    int n = pick(4);
    boolean ranges = n == 1 && bool();
    for (int i = 0; i < n; i++) {
      files.add(newFile(who, ranges));
    }
    return pick(6) == 0 ? object(body) : body;
  }

  ObjectNode patch() {
    ObjectNode p = NODES.objectNode();
    p.put("displayName", bool() ? "renamed" : "d".repeat(d.consumeInt(250, 260)));
    p.put("description", bool() ? "about" : "e".repeat(d.consumeInt(1020, 1030)));
    p.put(
        "priority",
        switch (pick(4)) {
          case 0 -> "FOREGROUND";
          case 1 -> "LOW";
          case 2 -> "foreground";
          default -> text(12);
        });
    p.put("notifyFlags", d.consumeInt(-1, 16));
    p.put("minimumRetryDelaySeconds", bool() ? 60 : d.consumeLong());
    p.put("noProgressTimeoutSeconds", bool() ? 600 : d.consumeLong());
    ObjectNode proxy = p.putObject("proxy");
    proxy.put("usage", bool() ? "OVERRIDE" : text(12));
    proxy.put("proxyList", bool() ? "http://127.0.0.1:1" : text(5000));
    proxy.put("bypassList", bool() ? "<local>" : text(100));
    p.put("customHeaders", bool() ? "X-A: b" : text(20_000));
    p.put("clearCustomHeaders", bool());
    ObjectNode cmd = p.putObject("notifyCmdLine");
    cmd.put("program", "/bin/true");
    cmd.put("parameters", text(100));
    p.put("clearNotifyCmdLine", bool());
    // Most patches change a few fields: the first failing setter stops the rest.
    ObjectNode out = NODES.objectNode();
    object(p)
        .properties()
        .forEach(e -> {
          if (pick(3) == 0) {
            out.set(e.getKey(), e.getValue());
          }
        });
    return out;
  }

  ObjectNode propertyValue() {
    ObjectNode v = NODES.objectNode();
    String type =
        switch (pick(7)) {
          case 0 -> "DWORD";
          case 1 -> "CLSID";
          case 2 -> "ENABLE";
          case 3 -> "UINT64";
          case 4 -> "TARGET";
          case 5 -> "STRING";
          default -> text(10);
        };
    v.put("type", type);
    v.put(
        "value",
        switch (pick(7)) {
          case 0 -> Integer.toString(d.consumeInt(0, 10_000));
          case 1 -> UUID.randomUUID().toString();
          case 2 -> bool() ? "true" : "false";
          case 3 -> Long.toUnsignedString(d.consumeLong());
          case 4 -> "SERVER";
          case 5 -> "-1";
          default -> text(50);
        });
    return object(v);
  }

  /** A log level, right or wrong; the loggers it may name are {@link #logger()}'s. */
  ObjectNode logLevel() {
    ObjectNode level = NODES.objectNode();
    switch (pick(4)) {
      case 0 -> level.putNull("level");
      case 1 -> level.put("level", bool() ? "DEBUG" : "warn");
      default -> level.put("level", text(10));
    }
    return level;
  }

  /**
   * A logger's name for a path: a fuzzed one, or a logger of no consequence. Never ROOT or
   * dev.ferry: the daemon runs in the test's JVM, and TRACE there would flood the build's output.
   */
  String logger() {
    return bool() ? "dev.ferry.fuzzed" : encode(text(40));
  }

  ObjectNode policy() {
    ObjectNode p = NODES.objectNode();
    p.put("global", bool() ? -1 : d.consumeLong());
    p.put("foreground", bool() ? -1 : d.consumeLong(-2, 1 << 20));
    p.put("background", bool() ? -1 : d.consumeLong(-2, 1 << 20));
    p.put("backgroundWhileForeground", d.consumeLong(-2, 1 << 20));
    ArrayNode windows = p.putArray("windows");
    int n = pick(3);
    for (int i = 0; i < n; i++) {
      ObjectNode w = windows.addObject();
      ArrayNode days = w.putArray("days");
      days.add(bool() ? "MONDAY" : text(10));
      w.put("from", bool() ? "08:00" : text(8));
      w.put("to", bool() ? "17:30" : text(8));
      w.put("background", d.consumeLong(-2, 1 << 20));
    }
    return object(p);
  }

  /** The request body of a route: empty, a mutated valid body, raw bytes, or too large. */
  byte[] body(String route, FuzzDaemon.Who who) {
    try {
      return switch (pick(8)) {
        case 0 -> null;
        case 1 -> bytes(2000);
        case 2 ->
            ("{\"x\":\"" + "y".repeat(Math.max(0, d.consumeInt(-8, 8) + (1 << 20))) + "\"}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        default -> {
          JsonNode json =
              switch (route) {
                case "/v1/jobs" -> createJob();
                case "/v1/jobs/{id}" -> patch();
                case "/v1/jobs/{id}/files" -> addFiles(who);
                case "/v1/jobs/{id}/files/{index}/remote-name" ->
                    object((ObjectNode) NODES.objectNode().put("remoteName", url(who)));
                case "/v1/jobs/{id}/properties/{property}" -> propertyValue();
                case "/v1/policy" -> policy();
                case "/v1/log-levels/{logger}" -> logLevel();
                default -> value(NODES.objectNode());
              };
          byte[] bytes = FuzzDaemon.JSON.writeValueAsBytes(json);
          // Sometimes cut short, so the parser meets the end of input anywhere.
          yield pick(6) == 0 ? java.util.Arrays.copyOf(bytes, pick(bytes.length + 1)) : bytes;
        }
      };
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Zero to three headers, some of them malformed or huge. */
  List<String> headers(FuzzDaemon.Who who) {
    List<String> headers = new java.util.ArrayList<>();
    if (who == FuzzDaemon.Who.TCP) {
      headers.add(
          switch (pick(9)) {
            case 0, 1, 2, 3 -> "Authorization: Bearer " + fx.token;
            case 4 -> "Authorization: Basic " + fx.token;
            case 5 -> "Authorization: Bearer " + "0".repeat(64);
            case 6 -> "Authorization: bearer " + fx.token + " extra";
            case 7 -> "X-Nothing: 1";
            default -> "Authorization: " + text(80).replaceAll("[\r\n]", "");
          });
    }
    int n = pick(4);
    for (int i = 0; i < n; i++) {
      headers.add(
          switch (pick(11)) {
            case 0 -> "Content-Type: application/json";
            case 1 -> "Content-Type: text/plain";
            case 2 -> "Content-Type: application/json; charset=utf-16";
            case 3 -> "Accept: text/event-stream";
            case 4 -> "Accept: application/yaml";
            case 5 -> "Transfer-Encoding: chunked";
            case 6 -> "Expect: 100-continue";
            case 7 -> "X-Big: " + "b".repeat(d.consumeInt(1000, 70_000));
            case 8 -> "Content-Length: " + text(10);
            case 9 -> "X-" + i + ": " + text(100);
            default -> text(100);
          });
    }
    return headers;
  }
}
