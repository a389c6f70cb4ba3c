package dev.ferry.daemon;

import static dev.ferry.daemon.DaemonFixture.PATIENCE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.daemon.SdkClient.Reply;
import dev.ferry.daemon.doagent.AgentAccess;
import dev.ferry.daemon.doagent.AgentCallers;
import dev.ferry.daemon.doagent.DoAgent;
import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.delivery.DeliveryExtension;
import dev.ferry.delivery.DownloadPlacement;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.Ferry;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Ferryd;
import dev.ferry.testkit.TestFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The DO agent's protocol has no credentials, so any local program, and any web page the user
 * visits, can send it requests. A root ferryd whose agent acts as an unprivileged user ({@link
 * OtherUser#NAME}) is driven here by a second user ({@link OtherUser#SECOND}) over real loopback
 * connections, and from "web pages" (requests with a foreign Host or an Origin): nothing may be
 * written where the agent's user could not write, nothing existing replaced, no link followed. Runs
 * as root only (it needs other users).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DoAgentSecurityTest {
  private static final int EEXIST = HResult.fromErrno(17);

  DaemonFixture fx;
  Path runDir;
  Ferryd daemon;
  int port;
  Path rootOnly;

  @BeforeAll
  void startDaemon() throws IOException {
    Assumptions.assumeTrue(
        Ferry.currentUser().isAdministrator(), "skipped: acting as other users needs root");
    Assumptions.assumeTrue(
        OtherUser.run(List.of("sh", "-c", "command -v runuser && command -v bash")).exitCode() == 0,
        "skipped: runuser and bash are needed to act as a second user");
    OtherUser.ensureExists(OtherUser.NAME);
    OtherUser.ensureExists(OtherUser.SECOND);
    fx = new DaemonFixture();
    runDir = fx.dir.resolve("agent-run");
    List<String> args = fx.agentArguments(runDir);
    assertThat(args).contains("--do-agent-user");
    rootOnly = Files.createDirectories(fx.dir.resolve("root-only"));
    Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rwx------"));
    fx.origin.put("/evil.txt", Content.of("nobody's content\n".getBytes(StandardCharsets.UTF_8)));
    daemon = fx.startDaemon(args.toArray(String[]::new));
    port = SdkClient.discoverPort(runDir);
  }

  @AfterAll
  void stopDaemon() {
    if (daemon != null) {
      daemon.close();
    }
    if (fx != null) {
      fx.close();
    }
  }

  /** One request as {@code user}, on a connection of its own. */
  private Reply as(String user, String method, String target, String... headers) {
    StringBuilder request = new StringBuilder(method).append(' ').append(target);
    request.append(" HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (String header : headers) {
      request.append(header).append("\r\n");
    }
    return parse(OtherUser.sendTcp(user, port, request.append("\r\n").toString()));
  }

  /** create, start, getstatus and finalize as the second user; the replies. */
  private List<Reply> fourRequests(Path destination) {
    Reply created =
        as(
            OtherUser.SECOND,
            "POST",
            SdkClient.target(
                "create",
                "Uri",
                fx.origin.url("/evil.txt"),
                "DownloadFilePath",
                destination.toString()));
    String id = created.status() == 200 ? created.text("Id") : "{" + UUID.randomUUID() + "}";
    Reply started = as(OtherUser.SECOND, "POST", SdkClient.target("start", "Id", id));
    Reply status = as(OtherUser.SECOND, "GET", SdkClient.target("getstatus", "Id", id));
    Reply finalized = as(OtherUser.SECOND, "POST", SdkClient.target("finalize", "Id", id));
    return List.of(created, started, status, finalized);
  }

  private static boolean exists(Path path) {
    return Files.exists(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Test
  void anotherUserCannotHaveTheAgentWriteWhereItsUserCannot() throws IOException {
    Path inRoot = Path.of("/root", "ferry-agent-" + UUID.randomUUID() + ".txt");
    Path inRootOnly = rootOnly.resolve("x.txt");
    try {
      for (Path target : List.of(inRoot, inRootOnly)) {
        List<Reply> replies = fourRequests(target);
        assertThat(replies.get(0).status())
            .as("create names a place the agent's user cannot write")
            .isEqualTo(403);
        assertThat(replies.get(0).errorCode()).isEqualTo(HResult.E_ACCESSDENIED.value());
        assertThat(replies).allSatisfy(r -> assertThat(r.status()).isNotEqualTo(200));
        assertThat(exists(target)).as("%s was written", target).isFalse();
      }
      try (Stream<Path> left = Files.list(rootOnly)) {
        assertThat(left).isEmpty();
      }
    } finally {
      Files.deleteIfExists(inRoot);
    }
  }

  @Test
  void anExistingFileIsNeverReplaced() throws IOException {
    Path precious = fx.download("precious.txt");
    Files.writeString(precious, "keep me\n");
    List<Reply> replies = fourRequests(precious);
    assertThat(replies.get(0).status()).isEqualTo(200);
    assertThat(replies.get(1).status()).as("start").isEqualTo(400);
    assertThat(replies.get(1).errorCode())
        .as(HResult.nameOf(replies.get(1).errorCode()))
        .isEqualTo(EEXIST);
    assertThat(replies.get(2).text("Status")).isEqualTo("Created");
    assertThat(replies.get(3).errorCode()).isEqualTo(HResult.DO_E_INVALID_STATE.value());
    assertThat(Files.readString(precious)).isEqualTo("keep me\n");
    assertThat(Files.getOwner(precious).getName()).isEqualTo("root");
  }

  @Test
  void aLinkAtTheDestinationIsNeverFollowed() throws IOException {
    Path aim = rootOnly.resolve("aim.txt");
    Path dangling = fx.download("dangling.txt");
    Files.createSymbolicLink(dangling, aim);
    Path target = rootOnly.resolve("target.txt");
    Files.writeString(target, "root's\n");
    Path link = fx.download("link.txt");
    Files.createSymbolicLink(link, target);

    for (Path destination : List.of(dangling, link)) {
      List<Reply> replies = fourRequests(destination);
      assertThat(replies.get(1).errorCode())
          .as("start on %s: %s", destination, HResult.nameOf(replies.get(1).errorCode()))
          .isEqualTo(EEXIST);
      assertThat(Files.isSymbolicLink(destination)).isTrue();
    }
    assertThat(exists(aim)).isFalse();
    assertThat(Files.readString(target)).isEqualTo("root's\n");
  }

  @Test
  void downloadsAreCreatedInPlaceAsTheAgentsUser() throws IOException {
    Content content = Content.random(1 << 20, 21);
    fx.origin.put("/ok.bin", content);
    Path local = fx.download("ok.bin");
    Reply created =
        as(
            OtherUser.SECOND,
            "POST",
            SdkClient.target(
                "create", "Uri", fx.origin.url("/ok.bin"), "DownloadFilePath", local.toString()));
    String id = created.text("Id");
    assertThat(as(OtherUser.SECOND, "POST", SdkClient.target("start", "Id", id)).status())
        .isEqualTo(200);
    assertThat(exists(local)).as("the agent creates the destination at start").isTrue();
    await("the download to finish")
        .atMost(PATIENCE)
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                as(OtherUser.SECOND, "GET", SdkClient.target("getstatus", "Id", id)).text("Status"),
            "Transferred"::equals);
    assertThat(TestFiles.sha256(local))
        .as("the whole file is in place before finalize")
        .isEqualTo(content.sha256());
    assertThat(as(OtherUser.SECOND, "POST", SdkClient.target("finalize", "Id", id)).status())
        .isEqualTo(200);
    assertThat(TestFiles.sha256(local)).isEqualTo(content.sha256());
    assertThat(Files.getOwner(local, LinkOption.NOFOLLOW_LINKS).getName())
        .isEqualTo(OtherUser.NAME);
    try (Stream<Path> files = Files.list(fx.downloads)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".part"));
    }
  }

  @Test
  void onlyHttpAndHttpsUrlsAreTaken() {
    for (String url : List.of("file:///etc/hostname", "not a url", "ftp://127.0.0.1/x")) {
      Reply created =
          as(
              OtherUser.SECOND,
              "POST",
              SdkClient.target(
                  "create", "Uri", url, "DownloadFilePath", fx.download("u.txt").toString()));
      assertThat(created.status()).as(url).isEqualTo(400);
      assertThat(created.errorCode()).as(url).isEqualTo(HResult.INET_E_INVALID_URL.value());
    }
    assertThat(exists(fx.download("u.txt"))).isFalse();
  }

  @Test
  void requestsFromWebPagesAreRefused() throws IOException {
    String create =
        SdkClient.target(
            "create",
            "Uri",
            fx.origin.url("/evil.txt"),
            "DownloadFilePath",
            fx.download("rebound.txt").toString());
    String[][] foreign = {
      {"Host: evil.example:" + port},
      {"Host: evil.example"},
      {"Host: 127.0.0.1.evil.example"},
      {"Host: 127.0.0.1:" + port, "Origin: http://evil.example:" + port},
      {"Host: localhost", "Origin: null"},
    };
    for (String[] headers : foreign) {
      try (SdkClient page = SdkClient.connect(runDir)) {
        StringBuilder request = new StringBuilder("POST /" + create + " HTTP/1.1\r\n");
        for (String header : headers) {
          request.append(header).append("\r\n");
        }
        Reply refused = page.raw(request.append("\r\n").toString());
        assertThat(refused.status()).as(String.join(", ", headers)).isEqualTo(403);
        assertThat(refused.errorCode()).isEqualTo(HResult.E_ACCESSDENIED.value());
        assertThat(page.closedByServer()).isTrue();
      }
    }
    try (SdkClient sdk = SdkClient.connect(runDir)) {
      for (String host : List.of("127.0.0.1", "127.0.0.1:" + port, "localhost:" + port, "[::1]")) {
        Reply listed = sdk.raw("GET download/enumerate HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        assertThat(listed.status()).as(host).isEqualTo(200);
      }
    }
    assertThat(exists(fx.download("rebound.txt"))).isFalse();
  }

  /**
   * A per-user agent (a ferryd that is not root, acting as its own user) serves that user's
   * programs only: here an agent for {@link OtherUser#NAME}, as its ferryd would run it, reached by
   * that user, by another and by root.
   */
  @Test
  void aPerUserAgentServesItsOwnUserOnly() {
    long uid = OtherUser.uid(OtherUser.NAME);
    Path data = fx.dir.resolve("per-user-data");
    try (JobEngine engine = JobEngine.open(data, EngineConfig.defaults());
        DoAgent agent =
            DoAgent.start(
                engine
                    .extension(DeliveryExtension.class)
                    .orElseThrow()
                    .manager(new JobOwner(uid, OtherUser.NAME), DownloadPlacement.CREATED_IN_PLACE),
                DoAgentOptions.of(fx.dir.resolve("per-user-run"))
                    .withConfigDir(fx.agentConfigDir()),
                false,
                AgentAccess.NONE,
                AgentCallers.onlyUser(uid))) {
      int own = agent.port();
      String enumerate =
          "GET download/enumerate HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
      Reply mine = parse(OtherUser.sendTcp(OtherUser.NAME, own, enumerate));
      assertThat(mine.status()).isEqualTo(200);
      Reply theirs = parse(OtherUser.sendTcp(OtherUser.SECOND, own, enumerate));
      assertThat(theirs.status()).isEqualTo(403);
      assertThat(theirs.errorCode()).isEqualTo(HResult.E_ACCESSDENIED.value());
      try (SdkClient root = SdkClient.connect(fx.dir.resolve("per-user-run"))) {
        assertThat(root.send("GET", "download/enumerate").status()).isEqualTo(200);
      }
    }
  }

  private static Reply parse(String reply) {
    try {
      return SdkClient.readReply(
          new ByteArrayInputStream(reply.getBytes(StandardCharsets.ISO_8859_1)));
    } catch (IOException e) {
      throw new UncheckedIOException("no reply: " + reply, e);
    }
  }
}
