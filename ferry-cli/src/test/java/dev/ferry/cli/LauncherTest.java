package dev.ferry.cli;

import static dev.ferry.testkit.TestFiles.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code ./ferry} launcher script, run as a child process: it picks a JDK, rebuilds the jar
 * when it is missing or older than the sources, and runs it with the arguments.
 *
 * <p>The real script (and the {@code scripts/*.sh} it sources) is copied from the repository into a
 * scratch tree, where {@code ferry-cli/target/ferry.jar} is a thin jar whose manifest points at
 * this test's class path and {@code ./mvnw} is a stand-in that records how it was called. So the
 * script's own logic is what runs, without a nested Maven build inside this Maven build (slow, and
 * it would rewrite the class files this very test runs from). Set {@code FERRY_SKIP_LAUNCHER_TEST}
 * to skip.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LauncherTest {
  private static final String[] PROXY_VARIABLES = {
    "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"
  };

  @TempDir Path tmp;
  TestOrigin origin;
  Path top;
  Path jar;

  @BeforeEach
  void setUp() throws IOException {
    assumeThat(System.getenv("FERRY_SKIP_LAUNCHER_TEST"))
        .as("FERRY_SKIP_LAUNCHER_TEST is set")
        .isNull();
    Path repository = repositoryRoot();
    top = Files.createDirectories(tmp.resolve("top"));
    Files.createDirectories(top.resolve("scripts"));
    Files.copy(repository.resolve("ferry"), top.resolve("ferry"));
    for (String script : new String[] {"scripts/pick-jdk.sh", "scripts/jvm-options.sh"}) {
      Files.copy(repository.resolve(script), top.resolve(script));
    }
    makeExecutable(top.resolve("ferry"));
    jar = top.resolve("ferry-cli/target/ferry.jar");
    Files.createDirectories(jar.getParent());
    origin = TestOrigin.start();
  }

  @AfterEach
  void tearDown() {
    if (origin != null) {
      origin.close();
    }
  }

  @Test
  void runsAnUpToDateJarWithTheArguments() throws Exception {
    Path source = writeSources();
    writeThinJar(jar);
    // Sources (and the directories holding them, which the script's find lists too) older than
    // the jar: nothing to build.
    setAge(top.resolve("pom.xml"), 2);
    try (var tree = Files.walk(top.resolve("ferry-cli/src"))) {
      for (Path p : tree.toList()) {
        setAge(p, 2);
      }
    }
    assertThat(Files.getLastModifiedTime(source).toInstant())
        .isBefore(Instant.now().minusSeconds(3600));
    setAge(jar, 1);
    fakeMaven("exit 97");

    Content content = Content.random(700_000, 1);
    origin.put("/payload.bin", content);
    Path target = tmp.resolve("payload.bin");
    Run run =
        launch(
            "get",
            origin.url("/payload.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            tmp.resolve("data").toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(sha256(target)).isEqualTo(content.sha256());
    assertThat(top.resolve("mvnw.args")).as("no build for an up-to-date jar").doesNotExist();
  }

  @Test
  void rebuildsAStaleJarBeforeRunningIt() throws Exception {
    Path source = writeSources();
    Path fresh = tmp.resolve("built.jar");
    writeThinJar(fresh);
    writeThinJar(jar);
    setAge(jar, 2);
    setAge(top.resolve("pom.xml"), 3);
    setAge(source, 1);
    // The stand-in build "produces" the jar.
    fakeMaven("cp '" + fresh + "' '" + jar + "'");

    Content content = Content.random(300_000, 2);
    origin.put("/after-build.bin", content);
    Path target = tmp.resolve("after-build.bin");
    Run run =
        launch(
            "get",
            origin.url("/after-build.bin"),
            "-o",
            target.toString(),
            "--data-dir",
            tmp.resolve("data").toString());

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(Files.readString(top.resolve("mvnw.args")).strip())
        .isEqualTo("-q -B -Dmaven.test.skip=true -pl ferry-cli -am package");
    assertThat(run.err()).contains("building");
    assertThat(sha256(target)).isEqualTo(content.sha256());
  }

  @Test
  void ferryNoBuildRunsAStaleJarWithoutBuilding() throws Exception {
    Path source = writeSources();
    writeThinJar(jar);
    setAge(jar, 2);
    setAge(source, 1);
    fakeMaven("exit 97");

    Run run = launch(Map.of("FERRY_NO_BUILD", "1"), "--version");

    assertThat(run.code()).as(run.toString()).isZero();
    assertThat(run.out()).startsWith("ferry ");
    assertThat(top.resolve("mvnw.args")).as("no build").doesNotExist();

    Files.delete(jar);
    Run missing = launch(Map.of("FERRY_NO_BUILD", "1"), "--version");
    assertThat(missing.code()).as(missing.toString()).isEqualTo(1);
    assertThat(missing.err()).contains("FERRY_NO_BUILD");
    assertThat(top.resolve("mvnw.args")).doesNotExist();
  }

  @Test
  void ferryDaemonRunsInTheForegroundAndStopsCleanlyOnSigterm() throws Exception {
    writeSources();
    writeThinJar(jar);
    setAge(top.resolve("pom.xml"), 2);
    try (var tree = Files.walk(top.resolve("ferry-cli/src"))) {
      for (Path p : tree.toList()) {
        setAge(p, 2);
      }
    }
    setAge(jar, 1);
    fakeMaven("exit 97");
    Path socketDir = TestFiles.shortTempDir("fd");
    Path socket = socketDir.resolve("ferryd.sock");
    Path out = tmp.resolve("daemon.out");
    Process process =
        new ProcessBuilder(
                top.resolve("ferry").toString(),
                "--socket",
                socket.toString(),
                "--data-dir",
                tmp.resolve("daemon-data").toString(),
                "daemon")
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(tmp.resolve("daemon.err").toFile())
            .start();
    try {
      org.awaitility.Awaitility.await("ferryd listening")
          .atMost(java.time.Duration.ofSeconds(90))
          .until(() -> Files.readString(out).contains("ferryd listening on " + socket));
      assertThat(dev.ferry.client.FerryClient.isRunning(socket)).isTrue();

      // The launcher execs java: the signal reaches the daemon itself.
      process.destroy();
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(process.exitValue()).as(Files.readString(tmp.resolve("daemon.err"))).isZero();
      assertThat(socket).as("the socket is gone with the daemon").doesNotExist();
    } finally {
      process.destroyForcibly();
      Files.deleteIfExists(socket);
      Files.deleteIfExists(socketDir);
    }
  }

  @Test
  void reportsAFailedBuild() throws Exception {
    writeSources();
    fakeMaven("exit 3");

    Run run = launch("--version");

    assertThat(run.code()).as(run.toString()).isEqualTo(1);
    assertThat(run.err()).contains("the build failed");
    assertThat(jar).doesNotExist();
  }

  // --- helpers ----------------------------------------------------------------------------------

  record Run(int code, String out, String err) {}

  private Run launch(String... args) throws Exception {
    return launch(Map.of(), args);
  }

  private Run launch(Map<String, String> extraEnv, String... args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(top.resolve("ferry").toString());
    command.addAll(List.of(args));
    Path out = tmp.resolve("stdout.txt");
    Path err = tmp.resolve("stderr.txt");
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(tmp.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    Map<String, String> env = builder.environment();
    for (String name : PROXY_VARIABLES) {
      env.remove(name);
    }
    env.remove("FERRY_LOG_LEVEL");
    env.remove("FERRY_NO_BUILD");
    env.putAll(extraEnv);
    Process process = builder.start();
    if (!process.waitFor(4, TimeUnit.MINUTES)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("the launcher did not finish: " + Files.readString(err));
    }
    return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
  }

  /** A pom and a source file, the inputs the launcher compares the jar against. */
  private Path writeSources() throws IOException {
    Files.writeString(top.resolve("pom.xml"), "<project/>\n");
    Path source = top.resolve("ferry-cli/src/main/java/Example.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, "class Example {}\n");
    return source;
  }

  /** {@code ./mvnw}: records its arguments, then runs {@code action}. */
  private void fakeMaven(String action) throws IOException {
    Path mvnw = top.resolve("mvnw");
    Files.writeString(
        mvnw, "#!/bin/sh\necho \"$@\" > \"$(dirname \"$0\")/mvnw.args\"\n" + action + "\n");
    makeExecutable(mvnw);
  }

  /** A jar with FerryCommand as its main class and this test's class path as its own. */
  private static void writeThinJar(Path target) throws IOException {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    StringBuilder entries = new StringBuilder();
    for (String entry : classPath.split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        entries.append(Path.of(entry).toAbsolutePath().toUri()).append(' ');
      }
    }
    Manifest manifest = new Manifest();
    Attributes main = manifest.getMainAttributes();
    main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
    main.put(Attributes.Name.MAIN_CLASS, FerryCommand.class.getName());
    main.put(Attributes.Name.CLASS_PATH, entries.toString().strip());
    try (OutputStream out = Files.newOutputStream(target);
        JarOutputStream jarOut = new JarOutputStream(out, manifest)) {
      jarOut.flush();
    }
  }

  private static void setAge(Path file, int hoursAgo) throws IOException {
    Files.setLastModifiedTime(file, FileTime.from(Instant.now().minus(hoursAgo, ChronoUnit.HOURS)));
  }

  private static void makeExecutable(Path file) throws IOException {
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The directory holding the {@code ferry} launcher and the parent pom, above the module. */
  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("ferry"))
          && Files.isRegularFile(dir.resolve("pom.xml"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no ferry launcher above " + Path.of("").toAbsolutePath());
  }
}
