package dev.ferry.swarm.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobOwner;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import dev.ferry.engine.EngineConfig;
import dev.ferry.engine.job.JobEngine;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.session.SwarmSettings;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.testkit.Fault;
import dev.ferry.testkit.Jobs;
import dev.ferry.testkit.TestOrigin;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fleet: three Ferry engines, each told of the other two as peers, fetch one file at the same
 * time from one rate-limited origin. Each host asks the origin only for its own share of the pieces
 * no peer offers yet, so the origin sends the file about once in all, not once to each host.
 */
class FleetOriginTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final int KIB = 1024;
  private static final JobOwner ALICE = new JobOwner(1001, "alice");
  private static final int HOSTS = 3;

  @TempDir Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable closeable : open.reversed()) {
      closeable.close();
    }
  }

  @Test
  void theOriginSendsTheFileAboutOnceToAFleetFetchingItAtOnce() throws Exception {
    int size = 8 << 20;
    byte[] content = new byte[size];
    new Random(19).nextBytes(content);
    Path original = dir.resolve("original.bin");
    Files.write(original, content);
    SingleFileTorrent torrent = CanonicalTorrent.of(original, 256 * KIB);
    TestOrigin origin = TestOrigin.start();
    open.add(origin);
    origin.put("/fleet.bin", content);
    // The origin is the slow way (each response paced), as an origin many hosts share is: peers
    // are worth asking, and what the origin sends is what the fleet waits for.
    origin.fault("/fleet.bin", Fault.throttle(256L * KIB));

    List<PeerSharing> sharings = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      PeerSharing sharing =
          PeerSharing.start(
              SwarmSettings.defaults().withBindAddress(LOOPBACK).withPort(0),
              Duration.ofSeconds(10));
      open.add(sharing);
      sharings.add(sharing);
    }
    List<BackgroundCopyJob> jobs = new ArrayList<>();
    List<Path> targets = new ArrayList<>();
    for (int i = 0; i < HOSTS; i++) {
      EngineConfig config =
          sharings
              .get(i)
              .into(
                  EngineConfig.defaults()
                      .withReadTimeout(Duration.ofSeconds(10))
                      .withEnvironment(Map.of()));
      Path host = Files.createDirectories(dir.resolve("host" + i));
      JobEngine engine = JobEngine.open(host.resolve("data"), config);
      open.add(engine::close);
      Path target = host.resolve("fleet.bin");
      BackgroundCopyJob job = engine.manager(ALICE).createJob("fleet");
      job.addFile(origin.url("/fleet.bin"), target.toString());
      job.setPriority(JobPriority.FOREGROUND);
      job.setProperty(
          JobPropertyId.CONTENT_DESCRIPTION,
          new JobPropertyValue.Text(ContentDescriptions.encode(torrent)));
      job.setProperty(JobPropertyId.PEERS, new JobPropertyValue.Text(othersOf(sharings, i)));
      jobs.add(job);
      targets.add(target);
    }
    jobs.forEach(BackgroundCopyJob::resume);
    for (int i = 0; i < HOSTS; i++) {
      Jobs.awaitState(jobs.get(i), JobState.TRANSFERRED);
    }
    for (int i = 0; i < HOSTS; i++) {
      jobs.get(i).complete();
      assertThat(Files.readAllBytes(targets.get(i))).as("host %d's file", i).isEqualTo(content);
    }

    // Each host on its own would have it sent 3 times. Before the origin was asked only for
    // pieces no peer offers, one request at a time, this fleet had it sent 2.5 to 2.7 times; then
    // 1.3 to 1.8 (what a host asked the origin for, the others saw only once it had it); since each
    // host asks only for its own share of the pieces (OriginShares), 1.06 to 1.16.
    assertThat(origin.bytesServed("/fleet.bin"))
        .as("what the origin sent")
        .isLessThanOrEqualTo(size + size / 2);
  }

  /** The peers host {@code i} is told of: every other host. */
  private static String othersOf(List<PeerSharing> sharings, int i) {
    List<String> peers = new ArrayList<>();
    for (int j = 0; j < sharings.size(); j++) {
      if (j != i) {
        peers.add(LOOPBACK.getHostAddress() + ":" + sharings.get(j).swarm().port());
      }
    }
    return peers.stream().collect(Collectors.joining(","));
  }
}
