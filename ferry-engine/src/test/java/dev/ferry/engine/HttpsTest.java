package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.ErrorContext;
import dev.ferry.api.HResult;
import dev.ferry.api.JobState;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpsTest {
  static TestOrigin origin;
  static final Content CONTENT = Content.random(3_000_000, 11);

  @TempDir Path tmp;

  @BeforeAll
  static void startOrigin() {
    origin = TestOrigin.startTls();
    origin.put("/secure.bin", CONTENT);
  }

  @AfterAll
  static void stopOrigin() {
    origin.close();
  }

  @Test
  void downloadsOverHttpsFromATrustedServerAndResumesWithRanges() throws Exception {
    EngineConfig config = EngineFixture.testConfig().withTls(origin.clientTrust());
    try (JobEngine engine = JobEngine.open(tmp.resolve("data"), config)) {
      BackgroundCopyJob job = engine.manager(EngineFixture.ALICE).createJob("https");
      Path target = Files.createDirectories(tmp.resolve("out")).resolve("secure.bin");
      job.addFile(origin.url("/secure.bin"), target.toString());
      origin.faultOnce("/secure.bin", dev.ferry.testkit.Fault.resetAfter(1_500_000));
      job.resume();
      awaitState(job, JobState.TRANSIENT_ERROR);
      job.resume();
      awaitState(job, JobState.TRANSFERRED);
      assertThat(job.complete()).isEqualTo(HResult.S_OK);
      assertThat(EngineFixture.sha256(target)).isEqualTo(CONTENT.sha256());
      assertThat(origin.requests("/secure.bin"))
          .last()
          .satisfies(r -> assertThat(r.range()).isPresent());
    }
  }

  @Test
  void refusesAServerWhoseCertificateCannotBeVerified() throws Exception {
    try (JobEngine engine = JobEngine.open(tmp.resolve("data"), EngineFixture.testConfig())) {
      BackgroundCopyJob job = engine.manager(EngineFixture.ALICE).createJob("untrusted");
      Path target = Files.createDirectories(tmp.resolve("out")).resolve("secure.bin");
      job.addFile(origin.url("/secure.bin"), target.toString());
      job.resume();
      awaitState(job, JobState.ERROR);
      BackgroundCopyError error = job.error().orElseThrow();
      assertThat(error.code()).isEqualTo(HResult.ERROR_INTERNET_SECURE_FAILURE.value());
      assertThat(error.context()).isEqualTo(ErrorContext.GENERAL_TRANSPORT);
      assertThat(error.protocol()).contains("http");
      assertThat(Files.list(target.getParent()).toList())
          .as("nothing of the untrusted body kept")
          .allSatisfy(p -> assertThat(Files.size(p)).isZero());
    }
  }
}
