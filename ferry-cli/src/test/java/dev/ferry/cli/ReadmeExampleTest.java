package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.engine.Ferry;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import dev.ferry.testkit.TestOrigin;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The first Java example of the README, as it stands there: compiled, then run in a JVM of its own
 * against an origin on loopback (its URL and file name swapped for the origin's and a temporary
 * one, its data directory under a temporary XDG_DATA_HOME). It must download the file, complete the
 * job and leave nothing queued, so the example cannot rot into one that does nothing.
 */
class ReadmeExampleTest {
  private static final String URL = "https://example.org/image.iso";
  private static final String LOCAL = "/srv/images/image.iso";

  @TempDir Path tmp;

  @Test
  void theFirstJavaExampleDownloadsAndCompletesItsFile() throws Exception {
    String example = firstJavaExample(Files.readString(repositoryRoot().resolve("README.md")));
    assertThat(example).as("the example names its URL and file").contains(URL).contains(LOCAL);
    Content content = Content.random(700_000, 90);
    Path target = tmp.resolve("images/image.iso");
    Files.createDirectories(target.getParent());
    try (TestOrigin origin = TestOrigin.start()) {
      origin.put("/image.iso", content);
      Path source =
          writeProgram(
              example.replace(URL, origin.url("/image.iso")).replace(LOCAL, target.toString()));
      Path classes = Files.createDirectories(tmp.resolve("classes"));
      String classPath = System.getProperty("java.class.path");
      int compiled =
          ToolProvider.getSystemJavaCompiler()
              .run(null, null, null, "-cp", classPath, "-d", classes.toString(), source.toString());
      assertThat(compiled).as("the README's example compiles").isZero();

      Path xdg = tmp.resolve("xdg");
      ProcessBuilder builder =
          new ProcessBuilder(
                  ProcessHandle.current().info().command().orElseThrow(),
                  "--enable-native-access=ALL-UNNAMED",
                  "-cp",
                  classes + File.pathSeparator + classPath,
                  "ReadmeExample")
              .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("run.log").toFile());
      builder.environment().put("XDG_DATA_HOME", xdg.toString());
      Process run = builder.start();
      assertThat(run.waitFor(2, TimeUnit.MINUTES)).as("the example ends").isTrue();
      assertThat(run.exitValue()).as(Files.readString(tmp.resolve("run.log"))).isZero();
      assertThat(TestFiles.sha256(target)).isEqualTo(content.sha256());
      assertThat(origin.requests("/image.iso")).isNotEmpty();
    }
    try (BackgroundCopyManager manager = Ferry.embedded(tmp.resolve("xdg/ferry"))) {
      assertThat(manager.enumJobs()).as("the job was completed, not left queued").isEmpty();
    }
  }

  /** The first ```java block after "## Using the API". */
  static String firstJavaExample(String readme) {
    int section = readme.indexOf("## Using the API");
    int start = readme.indexOf("```java\n", section) + "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  /** The example's imports above a class, its statements in main. */
  private Path writeProgram(String example) throws Exception {
    List<String> imports = new ArrayList<>();
    List<String> body = new ArrayList<>();
    for (String line : example.lines().toList()) {
      (line.startsWith("import ") ? imports : body).add(line);
    }
    String program =
        String.join("\n", imports)
            + "\n\npublic class ReadmeExample {\n"
            + "  public static void main(String[] args) throws Exception {\n"
            + String.join("\n", body)
            + "\n  }\n}\n";
    Path source = tmp.resolve("src/ReadmeExample.java");
    Files.createDirectories(source.getParent());
    return Files.writeString(source, program);
  }

  private static Path repositoryRoot() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("README.md"))
          && Files.isRegularFile(dir.resolve("ferry"))) {
        return dir;
      }
    }
    throw new IllegalStateException("no README.md above " + Path.of("").toAbsolutePath());
  }
}
