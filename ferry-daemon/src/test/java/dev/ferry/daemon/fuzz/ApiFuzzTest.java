package dev.ferry.daemon.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ferry.daemon.fuzz.FuzzDaemon.Who;
import dev.ferry.rest.Routes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes every route of ferryd's API over its real transports (the Unix socket as root and as a
 * second user, the TCP listener with and without its token). After every input: no 5xx, every
 * failure a Problem with a documented HRESULT, the daemon still answers, and nothing changed
 * outside the directory jobs may write.
 *
 * <p>{@code ./mvnw verify} runs each target over its seeds in {@code ApiFuzzTestInputs/<method>};
 * {@code scripts/fuzz} fuzzes one target for a while.
 */
class ApiFuzzTest {
  /** Every route of {@link Routes} with its methods; {@link #everyRouteIsFuzzed} keeps it whole. */
  static final List<String[]> ROUTES =
      List.of(
          new String[] {"GET", Routes.WHOAMI},
          new String[] {"GET", Routes.JOBS},
          new String[] {"POST", Routes.JOBS},
          new String[] {"GET", Routes.JOB},
          new String[] {"PATCH", Routes.JOB},
          new String[] {"GET", Routes.FILES},
          new String[] {"POST", Routes.FILES},
          new String[] {"PUT", Routes.FILE_REMOTE_NAME},
          new String[] {"GET", Routes.FILE_PROPERTY},
          new String[] {"POST", Routes.ACTION},
          new String[] {"GET", Routes.JOB_PROPERTY},
          new String[] {"PUT", Routes.JOB_PROPERTY},
          new String[] {"GET", Routes.ERROR_DESCRIPTION},
          new String[] {"GET", Routes.EVENTS},
          new String[] {"GET", Routes.POLICY},
          new String[] {"PUT", Routes.POLICY},
          new String[] {"GET", Routes.DOWNLOADS},
          new String[] {"POST", Routes.DOWNLOADS},
          new String[] {"GET", Routes.DOWNLOAD},
          new String[] {"POST", Routes.DOWNLOAD_ACTION},
          new String[] {"GET", Routes.DOWNLOAD_PROPERTY},
          new String[] {"PUT", Routes.DOWNLOAD_PROPERTY},
          new String[] {"GET", Routes.USAGE},
          new String[] {"GET", Routes.SEEDS},
          new String[] {"POST", Routes.SEEDS},
          new String[] {"DELETE", Routes.SEED},
          new String[] {"GET", Routes.CACHE},
          new String[] {"PUT", Routes.CACHE_ENTRY},
          new String[] {"DELETE", Routes.CACHE_ENTRY},
          new String[] {"GET", Routes.DASHBOARD},
          new String[] {"GET", Routes.DELIVERY_STATUS},
          new String[] {"GET", Routes.DELIVERY_PERF},
          new String[] {"GET", Routes.LOG_LEVELS},
          new String[] {"GET", Routes.LOG_LEVEL},
          new String[] {"PUT", Routes.LOG_LEVEL},
          new String[] {"GET", Routes.PREFIX + "/openapi.yaml"});

  static final String[] METHODS = {
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT", "PROPFIND"
  };

  static FuzzDaemon fx;
  static final java.util.Map<Who, String> fixtures = new java.util.EnumMap<>(Who.class);

  @BeforeAll
  static void start() {
    fx = new FuzzDaemon();
  }

  /**
   * Fetching the URLs it is given is what the daemon is for: Jazzer's SSRF detector would report
   * every transfer from the test origin.
   */
  private static Inputs inputs(FuzzedDataProvider data) {
    BugDetectors.allowNetworkConnections();
    return new Inputs(data, fx);
  }

  @AfterAll
  static void stop() throws Exception {
    if (fx == null) {
      return;
    }
    try {
      // Transfers run on after their request: give late writes the chance to show.
      Thread.sleep(500);
      fx.cancelAll();
      fx.checkHealthy();
    } finally {
      fx.close();
    }
  }

  @Test
  void everyRouteIsFuzzed() throws Exception {
    Set<String> fuzzed = new HashSet<>();
    ROUTES.forEach(r -> fuzzed.add(r[1]));
    for (Field field : Routes.class.getFields()) {
      if (Modifier.isStatic(field.getModifiers())
          && field.getType() == String.class
          && ((String) field.get(null)).startsWith(Routes.PREFIX + "/")) {
        assertThat(fuzzed).as(field.getName()).contains((String) field.get(null));
      }
    }
  }

  // --- targets --------------------------------------------------------------------------------

  /**
   * Any route, any method, fuzzed path segments, query, headers and body, as any identity. Jobs are
   * never started here (see {@link #harmless}), so their files are never written.
   */
  @FuzzTest(maxDuration = "30s")
  void anyRequest(FuzzedDataProvider data) {
    Inputs in = inputs(data);
    Who who = Who.values()[in.pick(3)];
    String own = fixture(who);
    String other = fixture(who == Who.USER ? Who.ROOT : Who.USER);
    try {
      int requests = 1 + in.pick(4);
      for (int i = 0; i < requests; i++) {
        String[] route = ROUTES.get(in.pick(ROUTES.size()));
        String method = in.pick(6) == 0 ? METHODS[in.pick(METHODS.length)] : route[0];
        String target = fill(in, route[1], own, other) + query(in, route[1]);
        if (in.pick(12) == 0) {
          target = in.text(200);
        }
        byte[] body = FuzzDaemon.defuse(in.body(route[1], who));
        List<String> headers = in.headers(who);
        byte[] request = RawHttp.request(method, target, headers, body);
        if (!harmless(request)) {
          continue;
        }
        RawHttp.Response response = fx.client(who).exchange(request);
        FuzzDaemon.checkAnswer(method + " " + abbreviate(target) + " as " + who, response);
      }
      fx.checkHealthy();
    } finally {
      fx.cancelAll(fixtures.values());
      fx.resetAllowed();
    }
  }

  /**
   * A job of {@code who}'s that lives across inputs, so that each input does not pay for creating
   * one: made again when an input cancelled it or gave it to someone else.
   */
  private static String fixture(Who who) {
    Who owner = who == Who.TCP ? Who.ROOT : who;
    String id = fixtures.get(owner);
    if (id != null) {
      RawHttp.Response job = fx.client(owner).send("GET", "/v1/jobs/" + id, List.of(), null);
      if (job.status() == 200) {
        return id;
      }
    }
    id = createJob(owner);
    fixtures.put(owner, id);
    return id;
  }

  /**
   * A job's life through valid requests with one part wrong: wrong types, oversize strings, odd URL
   * schemes, traversing local names; jobs whose files stay inside allowed/ are started and
   * completed, so their writes are checked too.
   */
  @FuzzTest(maxDuration = "30s")
  void jobLife(FuzzedDataProvider data) {
    Inputs in = inputs(data);
    Who who = Who.values()[in.pick(3)];
    try {
      String id = createJob(who, in.createJob().toString());
      int steps = 1 + in.pick(8);
      for (int i = 0; i < steps && id != null; i++) {
        String path = "/v1/jobs/" + id;
        switch (in.pick(10)) {
          case 0, 1, 2 -> send(who, "POST", path + "/files", in.addFiles(who).toString());
          case 3 -> send(who, "PATCH", path, in.patch().toString());
          case 4 ->
              send(
                  who,
                  "PUT",
                  path + "/files/" + in.index() + "/remote-name",
                  "{\"remoteName\":" + FuzzDaemon.JSON.valueToTree(in.url(who)) + "}");
          case 5 ->
              send(
                  who, "PUT", path + "/properties/" + in.property(), in.propertyValue().toString());
          case 6 -> {
            send(who, "GET", path + "/properties/" + in.property(), null);
            send(who, "GET", path + "/files/" + in.index() + "/properties/" + in.property(), null);
          }
          case 7 -> runToCompletion(who, id);
          case 8 ->
              send(
                  who,
                  "POST",
                  path
                      + "/"
                      + List.of(Routes.SUSPEND, Routes.CANCEL, Routes.TAKE_OWNERSHIP)
                          .get(in.pick(3)),
                  null);
          default ->
              send(
                  who,
                  "GET",
                  Routes.ERROR_DESCRIPTION
                      + "?hresult="
                      + in.hresult()
                      + "&lang="
                      + in.encode(in.text(20)),
                  null);
        }
      }
      if (in.pick(4) == 0) {
        send(who, "PUT", Routes.POLICY, in.policy().toString());
      }
      fx.checkHealthy();
    } finally {
      fx.cancelAll();
      fx.resetAllowed();
    }
  }

  /**
   * Local names and sources alone: each file is added as the second user (root when there is none),
   * started when the daemon accepted it, and completed; the daemon must refuse to write through
   * links or outside allowed/, and must not let the user copy files it cannot read.
   */
  @FuzzTest(maxDuration = "30s")
  void localNames(FuzzedDataProvider data) {
    Inputs in = inputs(data);
    Who who = fx.hasUser() ? Who.USER : Who.ROOT;
    try {
      String id = createJob(who);
      int files = 1 + in.pick(3);
      for (int i = 0; i < files; i++) {
        String body =
            "{\"files\":[{\"remoteName\":"
                + FuzzDaemon.JSON.valueToTree(in.url(who))
                + ",\"localName\":"
                + FuzzDaemon.JSON.valueToTree(in.localName(who))
                + "}]}";
        send(who, "POST", "/v1/jobs/" + id + "/files", body);
      }
      if (Boolean.getBoolean("ferry.fuzz.swap") && in.pick(2) == 0) {
        swapInLink();
      }
      runToCompletion(who, id);
      fx.checkHealthy();
      checkNoLeak();
    } finally {
      fx.cancelAll();
      fx.resetAllowed();
    }
  }

  // --- helpers --------------------------------------------------------------------------------

  /** A new job of {@code who}'s with one file inside allowed/; its id. */
  private static String createJob(Who who) {
    String id = createJob(who, "{\"displayName\":\"fuzz\"}");
    String local = fx.allowed.resolve("own-" + id + ".bin").toString();
    send(
        who,
        "POST",
        "/v1/jobs/" + id + "/files",
        "{\"files\":[{\"remoteName\":\"file://"
            + fx.source
            + "\",\"localName\":\""
            + local
            + "\"}]}");
    return id;
  }

  /** Creates a job from {@code body}, falling back to a valid one when the daemon refuses it. */
  private static String createJob(Who who, String body) {
    RawHttp.Response created = send(who, "POST", Routes.JOBS, body);
    if (created.status() != 201) {
      created = send(who, "POST", Routes.JOBS, "{\"displayName\":\"fuzz\"}");
    }
    assertThat(created.status()).as(created.toString()).isEqualTo(201);
    return FuzzDaemon.tree(created.body()).get("id").asText();
  }

  private static RawHttp.Response send(Who who, String method, String target, String body) {
    byte[] bytes = FuzzDaemon.defuse(body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    List<String> headers = new ArrayList<>(fx.auth(who));
    headers.add("Content-Type: application/json");
    RawHttp.Response response = fx.client(who).send(method, target, headers, bytes);
    FuzzDaemon.checkAnswer(method + " " + abbreviate(target) + " as " + who, response);
    return response;
  }

  /**
   * Starts the job when every file it has stays inside allowed/, waits a moment for the transfer
   * and completes the job. A root job may legitimately write through allowed/up (root may write
   * anywhere), so root's jobs run only when the real directory is inside allowed/; the second
   * user's run whatever their names, since the daemon must have refused the dangerous ones.
   */
  private static void runToCompletion(Who who, String id) {
    RawHttp.Response files = fx.asRoot.send("GET", "/v1/jobs/" + id + "/files", List.of(), null);
    JsonNode list = FuzzDaemon.tree(files.body());
    if (files.status() != 200 || list == null || list.isEmpty()) {
      return;
    }
    for (JsonNode file : list) {
      String local = file.path("localName").asText("");
      if (!local.startsWith(fx.allowed + "/")) {
        return;
      }
      if (who != Who.USER && !realDirectoryInside(Path.of(local).getParent(), fx.allowed)) {
        return;
      }
    }
    send(who, "POST", "/v1/jobs/" + id + "/" + Routes.RESUME, null);
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (System.nanoTime() < deadline) {
      JsonNode job =
          FuzzDaemon.tree(fx.asRoot.send("GET", "/v1/jobs/" + id, List.of(), null).body());
      String state = job == null ? "" : job.path("state").asText();
      if (List.of("TRANSFERRED", "ERROR", "TRANSIENT_ERROR", "").contains(state)) {
        break;
      }
      Thread.onSpinWait();
    }
    send(who, "POST", "/v1/jobs/" + id + "/" + Routes.COMPLETE, null);
  }

  private static boolean realDirectoryInside(Path dir, Path base) {
    try {
      return dir.toRealPath().startsWith(base.toRealPath());
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /**
   * Replaces the user's directory allowed/swap by a link to sentinel/, as the user could at any
   * time: a file accepted into swap/ must still never be written into sentinel/.
   */
  private static void swapInLink() {
    try {
      Path swap = fx.allowed.resolve("swap");
      try (Stream<Path> all = Files.walk(swap)) {
        for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
      Files.createSymbolicLink(swap, Path.of("../sentinel"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** No file in allowed/ holds root's secret, which the second user may not read. */
  private static void checkNoLeak() {
    byte[] secret;
    try {
      secret = Files.readAllBytes(fx.sentinel.resolve("secret"));
      try (Stream<Path> all = Files.walk(fx.allowed)) {
        for (Path p : all.toList()) {
          if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
              && Files.size(p) == secret.length
              && java.util.Arrays.equals(Files.readAllBytes(p), secret)) {
            throw new AssertionError("root's secret was copied to " + p);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String fill(Inputs in, String template, String own, String other) {
    return template
        .replace("{id}", in.jobId(own, other))
        .replace("{index}", in.index())
        .replace("{property}", in.property())
        .replace("{logger}", in.logger())
        .replace("{infoHash}", in.pick(2) == 0 ? "ab".repeat(32) : in.encode(in.text(80)))
        .replace(
            "{action}",
            switch (in.pick(6)) {
              case 0 -> Routes.SUSPEND;
              case 1 -> Routes.CANCEL;
              case 2 -> Routes.TAKE_OWNERSHIP;
              case 3 -> "files";
              case 4 -> "SUSPEND";
              default -> in.encode(in.text(20));
            });
  }

  private static String query(Inputs in, String route) {
    return switch (in.pick(8)) {
      case 0, 1, 2 -> "";
      case 3 -> "?allUsers=" + in.encode(in.text(10));
      case 4 -> "?hresult=" + in.hresult() + "&lang=" + in.encode(in.text(20));
      case 5 -> "?job=" + in.encode(in.text(40));
      case 6 -> route.equals(Routes.JOBS) ? "?allUsers=true" : "?a=1&a=2&&=&%zz";
      default -> "?" + in.encode(in.text(100));
    };
  }

  /**
   * Whether a raw request can start or complete no job. A started job would write its files, and
   * the raw target's files are anywhere (as root, even over system files); the bytes are searched
   * whole and percent-decoded, since a fuzzed header can make the body a second, pipelined request.
   */
  static boolean harmless(byte[] request) {
    String raw = new String(request, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    String decoded;
    try {
      decoded = URLDecoder.decode(raw.replace("+", "%2b"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      decoded = raw.replaceAll("%[0-9a-f]{2}", "?");
    }
    for (String text : List.of(raw, decoded, decoded.replaceAll("[^a-z]", ""))) {
      if (text.contains("resum") || text.contains("complet")) {
        return false;
      }
    }
    return true;
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "…(" + s.length() + ")" : s;
  }
}
