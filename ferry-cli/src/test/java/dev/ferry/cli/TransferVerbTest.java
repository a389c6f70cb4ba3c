package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestFiles;
import org.junit.jupiter.api.Test;

/** {@code transfer}, bitsadmin /transfer: create, follow, complete, or cancel on a fatal error. */
class TransferVerbTest extends EmbeddedCliTest {
  @Test
  void transfersEveryPairAndCompletesTheJob() {
    Content one = Content.random(700_000, 31);
    Content two = Content.random(90_000, 32);
    origin.put("/one.bin", one);
    origin.put("/two.bin", two);

    Cli.Result result =
        ferry.run(
            "transfer",
            "pair",
            "--priority",
            "HIGH",
            origin.url("/one.bin"),
            downloads.resolve("one.bin").toString(),
            origin.url("/two.bin"),
            downloads.resolve("two.bin").toString());

    assertThat(result.code()).as(result.toString()).isZero();
    assertThat(TestFiles.sha256(downloads.resolve("one.bin"))).isEqualTo(one.sha256());
    assertThat(TestFiles.sha256(downloads.resolve("two.bin"))).isEqualTo(two.sha256());
    assertThat(downloads).isDirectoryNotContaining(p -> p.getFileName().toString().startsWith("."));
    assertThat(ferry.run("list").value()).as("completed").isEqualTo("Listed 0 job(s).");
  }

  @Test
  void aMissingFileCancelsTheJobAndExitsOne() {
    Cli.Result result =
        ferry.run(
            "transfer", "gone", origin.url("/missing.bin"), downloads.resolve("m.bin").toString());

    assertThat(result.code()).as(result.toString()).isEqualTo(ExitCodes.FAILED);
    assertThat(result.err())
        .contains(origin.url("/missing.bin"))
        .containsPattern("\\[BG_E_HTTP_ERROR_404 0x[0-9A-F]{8}\\]")
        .doesNotContain("\tat ");
    assertThat(origin.requests("/missing.bin")).isNotEmpty();
    assertThat(downloads).isEmptyDirectory();
    assertThat(ferry.run("list").value()).as("cancelled").isEqualTo("Listed 0 job(s).");
  }
}
