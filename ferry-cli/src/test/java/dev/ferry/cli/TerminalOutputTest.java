package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The progress display follows standard error, the stream it is written to: a live bar when that is
 * the terminal (even with standard output in a file), plain lines when it is a file (even with
 * standard output on the terminal). Run on a real pseudo-terminal.
 */
class TerminalOutputTest {
  @TempDir Path tmp;
  TestOrigin origin;

  @BeforeEach
  void start() {
    origin = TestOrigin.start();
    origin.put("/file.bin", Content.random(1_500_000, 80));
  }

  @AfterEach
  void stop() {
    origin.close();
  }

  @Test
  void standardErrorInALogGetsPlainLinesNotTheBar() throws Exception {
    Path log = tmp.resolve("get.log");
    String screen;
    try (Pty ferry = Pty.ferryRedirected(tmp, "2>'" + log + "'", args(tmp.resolve("one.bin")))) {
      assertThat(ferry.waitFor()).as(ferry.screen()).isZero();
      screen = ferry.screen();
    }
    String written = Files.readString(log);
    assertThat(written).contains("ferry: done (").doesNotContain("\r").doesNotContain("\u001b[");
    assertThat(screen).as("nothing of the display on the terminal").doesNotContain("MiB");
  }

  @Test
  void standardOutputInAFileLeavesTheBarOnTheTerminal() throws Exception {
    Path out = tmp.resolve("get.out");
    String screen;
    try (Pty ferry = Pty.ferryRedirected(tmp, ">'" + out + "'", args(tmp.resolve("two.bin")))) {
      assertThat(ferry.waitFor()).as(ferry.screen()).isZero();
      screen = ferry.screen();
    }
    assertThat(screen).contains("\r").contains("\u001b[").contains("ferry: done (");
    assertThat(Files.readString(out)).isEmpty();
  }

  private String[] args(Path target) {
    return new String[] {
      "--data-dir",
      tmp.resolve("data").toString(),
      "get",
      origin.url("/file.bin"),
      "-o",
      target.toString()
    };
  }
}
