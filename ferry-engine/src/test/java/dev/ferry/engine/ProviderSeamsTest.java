package dev.ferry.engine;

import static dev.ferry.engine.EngineFixture.awaitState;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobState;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.spi.FileRef;
import dev.ferry.spi.LocalCopy;
import dev.ferry.spi.PieceCheck;
import dev.ferry.spi.Source;
import dev.ferry.spi.SourceKind;
import dev.ferry.spi.SourceProvider;
import dev.ferry.spi.SourceRequest;
import dev.ferry.spi.SourceResponse;
import dev.ferry.spi.TransferFailure;
import dev.ferry.spi.Validators;
import dev.ferry.testkit.Content;
import dev.ferry.testkit.Fault;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seams peers plug into, shown with toy parts: a provider that knows a file's content gives the
 * check every piece must pass, sees the engine's checked pieces while the file transfers (to serve
 * them), hears when the transfer ends; a source with a connection limit leaves the file's other
 * connections to the origin; an origin of a scheme of its own makes its URLs acceptable.
 */
class ProviderSeamsTest {
  private static final int MIB = 1 << 20;

  @TempDir Path tmp;
  private EngineFixture fx;

  @AfterEach
  void stop() {
    if (fx != null) {
      fx.close();
    }
  }

  /** A provider that checks every piece against {@code hashes} and offers {@code toy}. */
  private static final class KnowingProvider implements SourceProvider {
    final PieceHashes hashes;
    final Source toy;
    final AtomicReference<LocalCopy> local = new AtomicReference<>();
    final List<FileRef> ended = new CopyOnWriteArrayList<>();

    KnowingProvider(PieceHashes hashes, Source toy) {
      this.hashes = hashes;
      this.toy = toy;
    }

    @Override
    public Optional<PieceCheck> pieceCheck(FileRef file) {
      return Optional.of(hashes);
    }

    @Override
    public List<Source> sourcesFor(FileRef file) {
      return toy == null ? List.of() : List.of(toy);
    }

    @Override
    public List<Source> sourcesFor(FileRef file, LocalCopy copy) {
      local.set(copy);
      return sourcesFor(file);
    }

    @Override
    public void transferEnded(FileRef file) {
      ended.add(file);
    }
  }

  /**
   * The origin of "toy:" URLs, serving {@code content} from memory; its responses say they were
   * verified against the checks {@code vouches} accepts.
   */
  private static final class ToyOrigin implements Source {
    final MemorySource memory;
    final long size;
    final Predicate<PieceCheck> vouches;

    ToyOrigin(Content content, Predicate<PieceCheck> vouches) {
      this.memory = MemorySource.holding(content.bytes(), content.size());
      this.size = content.size();
      this.vouches = vouches;
    }

    @Override
    public SourceKind kind() {
      return MemorySource.KIND;
    }

    @Override
    public String protocol() {
      return "toy";
    }

    @Override
    public boolean isOriginFor(URI uri) {
      return "toy".equals(uri.getScheme());
    }

    @Override
    public SourceResponse open(SourceRequest request) throws TransferFailure {
      SourceRequest sized =
          new SourceRequest(
              request.uri(),
              request.start(),
              request.end(),
              new Validators(size, "\"toy\"", null),
              request.customHeaders(),
              request.proxy());
      SourceResponse response = memory.open(sized);
      return new SourceResponse() {
        @Override
        public long start() {
          return response.start();
        }

        @Override
        public long length() {
          return response.length();
        }

        @Override
        public Validators validators() {
          return response.validators();
        }

        @Override
        public String headerBlock() {
          return response.headerBlock();
        }

        @Override
        public InputStream body() throws IOException {
          return response.body();
        }

        @Override
        public boolean verifiedAgainst(PieceCheck check) {
          return vouches.test(check);
        }

        @Override
        public void abort() {
          response.abort();
        }

        @Override
        public void close() {
          response.close();
        }
      };
    }

    @Override
    public TransferFailure classify(IOException e, String doing) {
      return memory.classify(e, doing);
    }
  }

  /** A source that has nothing until {@code ready}, then all of {@code content}: a late peer. */
  private record LateSource(MemorySource memory, AtomicBoolean ready) implements Source {
    @Override
    public SourceKind kind() {
      return memory.kind();
    }

    @Override
    public String protocol() {
      return memory.protocol();
    }

    @Override
    public long available(URI uri, long offset) {
      return ready.get() ? memory.available(uri, offset) : 0;
    }

    @Override
    public SourceResponse open(SourceRequest request) throws TransferFailure {
      return memory.open(request);
    }

    @Override
    public TransferFailure classify(IOException e, String doing) {
      return memory.classify(e, doing);
    }
  }

  /** A source whose bodies come at about {@code bytesPerSecond}: a slow peer. */
  private record SlowSource(MemorySource memory, long bytesPerSecond) implements Source {
    @Override
    public SourceKind kind() {
      return memory.kind();
    }

    @Override
    public String protocol() {
      return memory.protocol();
    }

    @Override
    public int connectionLimit() {
      return memory.connectionLimit();
    }

    @Override
    public long available(URI uri, long offset) {
      return memory.available(uri, offset);
    }

    @Override
    public SourceResponse open(SourceRequest request) throws TransferFailure {
      SourceResponse response = memory.open(request);
      InputStream body;
      try {
        body = response.body();
      } catch (IOException e) {
        throw memory.classify(e, "opening the body");
      }
      InputStream paced =
          new InputStream() {
            @Override
            public int read() throws IOException {
              byte[] one = new byte[1];
              return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
              int n = body.read(b, off, Math.min(len, 16 * 1024));
              if (n > 0) {
                try {
                  Thread.sleep(Duration.ofNanos(n * 1_000_000_000L / bytesPerSecond));
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                  throw new java.io.InterruptedIOException();
                }
              }
              return n;
            }
          };
      return SourceResponse.of(response.start(), response.length(), response.validators(), paced);
    }

    @Override
    public TransferFailure classify(IOException e, String doing) {
      return memory.classify(e, doing);
    }
  }

  /** A check that counts the pieces it hashes. */
  private record CountingCheck(PieceCheck check, AtomicInteger hashed) implements PieceCheck {
    CountingCheck(PieceCheck check) {
      this(check, new AtomicInteger());
    }

    @Override
    public int pieceSize() {
      return check.pieceSize();
    }

    @Override
    public long fileSize() {
      return check.fileSize();
    }

    @Override
    public boolean matches(int piece, ByteBuffer content) {
      hashed.incrementAndGet();
      return check.matches(piece, content);
    }
  }

  private PieceHashes hashesOf(Content content) throws Exception {
    Path plain = tmp.resolve("plain-" + content.sha256());
    Files.write(plain, content.bytes());
    return PieceHashes.bep52(plain, MIB);
  }

  private BackgroundCopyJob start(String path, Path target, boolean foreground) {
    BackgroundCopyJob job = fx.alice().createJob(path);
    job.addFile(fx.origin.url(path), target.toString());
    if (foreground) {
      job.setPriority(JobPriority.FOREGROUND);
    }
    job.resume();
    return job;
  }

  @Test
  void aProvidersCheckCatchesABadPieceOfAPlainJobAndTheOriginSendsItAgain() throws Exception {
    Content content = Content.random(6L * MIB, 71);
    MemorySource toy = MemorySource.corrupting(content.bytes(), 6L * MIB, MIB, Set.of(2));
    KnowingProvider provider = new KnowingProvider(hashesOf(content), toy);
    RecordedEvents events = new RecordedEvents();
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig().withSourceProviders(provider).withTransferEvents(events));
    fx.origin.put("/checked.bin", content);
    Path target = fx.download("checked.bin");
    BackgroundCopyJob job = start("/checked.bin", target, false);
    awaitState(job, JobState.TRANSFERRED);
    job.complete();

    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(events.rejected())
        .as("a BITS job, checked by the provider's hashes alone")
        .containsExactly(new RecordedEvents.Piece(2, MemorySource.KIND, false));
    assertThat(events.pieces).contains(new RecordedEvents.Piece(2, SourceKind.ORIGIN, true));
  }

  /** A FOREGROUND job of {@code content} whose only other source is {@code toy}, run to the end. */
  private RecordedEvents transferBeside(Content content, Source toy, String path) throws Exception {
    RecordedEvents events = new RecordedEvents();
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig()
                .withConnections(4, MIB)
                .withSourceProviders(new KnowingProvider(hashesOf(content), toy))
                .withTransferEvents(events));
    fx.origin.put(path, content);
    Path target = fx.download(path.substring(1));
    BackgroundCopyJob job = start(path, target, true);
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    return events;
  }

  @Test
  void aSourceAtItsConnectionLimitThatKeepsUpIsLeftWhatItOffers() throws Exception {
    Content content = Content.random(24L * MIB, 72);
    MemorySource toy = MemorySource.holding(content.bytes(), 24L * MIB).limitedTo(1);

    RecordedEvents events = transferBeside(content, toy, "/both.bin");

    // The origin is asked only for pieces no other source offers: here, for the version alone
    // (its one byte left unread, the toy having it).
    assertThat(events.bytes(MemorySource.KIND)).isEqualTo(content.size());
    assertThat(events.bytes(SourceKind.ORIGIN)).isZero();
  }

  @Test
  void aSourceAtItsConnectionLimitThatFallsBehindLeavesTheRestToTheOrigin() throws Exception {
    Content content = Content.random(24L * MIB, 73);
    Source toy = new SlowSource(MemorySource.holding(content.bytes(), 24L * MIB).limitedTo(1), MIB);

    RecordedEvents events = transferBeside(content, toy, "/slow.bin");

    assertThat(events.bytes(MemorySource.KIND)).as("the toy served").isPositive();
    assertThat(events.bytes(SourceKind.ORIGIN))
        .as("the other connections went to the origin")
        .isPositive();
  }

  @Test
  void theProviderSeesTheCheckedPiecesWhileTheFileTransfersAndNoneAfter() throws Exception {
    Content content = Content.random(8L * MIB, 73);
    KnowingProvider provider = new KnowingProvider(hashesOf(content), null);
    fx = new EngineFixture(tmp, EngineFixture.testConfig().withSourceProviders(provider));
    fx.origin.put("/served.bin", content);
    fx.origin.fault("/served.bin", Fault.throttle(2 * MIB));
    Path target = fx.download("served.bin");
    BackgroundCopyJob job = start("/served.bin", target, false);

    await().atMost(Duration.ofSeconds(60)).until(() -> provider.local.get() != null);
    LocalCopy local = provider.local.get();
    await().atMost(Duration.ofSeconds(60)).until(() -> local.has(1));
    ByteBuffer piece = ByteBuffer.allocate(MIB);
    local.read(MIB, piece);
    assertThat(piece.array()).isEqualTo(Arrays.copyOfRange(content.bytes(), MIB, 2 * MIB));
    assertThat(local.has(7)).as("not yet there").isFalse();
    // What the provider sent to peers counts as the file's upload, by kind of peer, in DO's
    // statistics.
    local.served(dev.ferry.spi.SourceKind.PEER, 1234);
    local.served(dev.ferry.spi.SourceKind.LAN_PEER, 99);

    awaitState(job, JobState.TRANSFERRED);
    await().atMost(Duration.ofSeconds(30)).until(() -> !provider.ended.isEmpty());
    assertThat(local.has(1)).as("the transfer ended: the file may move").isFalse();
    assertThat(provider.ended.get(0).job()).isEqualTo(job.id());
    assertThat(dev.ferry.api.delivery.DeliveryOptimizationFile.of(job.files().get(0)).getStats())
        .extracting(
            s -> s.bytesToInternetPeers(), s -> s.bytesToLanPeers(), s -> s.bytesToGroupPeers())
        .containsExactly(1234L, 99L, 0L);
    job.complete();
  }

  @Test
  void anOriginOfItsOwnSchemeMakesItsUrlsAcceptable() throws Exception {
    Content content = Content.random(2L * MIB, 74);
    Source toyOrigin = new ToyOrigin(content, check -> false);
    fx = new EngineFixture(tmp, EngineFixture.testConfig().withOriginsFirst(List.of(toyOrigin)));
    Path target = fx.download("toy.bin");
    BackgroundCopyJob job = fx.alice().createJob("toy");
    job.addFile("toy:/toy.bin", target.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());

    BackgroundCopyJob other = fx.alice().createJob("elsewhere");
    assertThatThrownBy(() -> other.addFile("elsewhere:/x", target + ".2"))
        .isInstanceOf(FerryException.class)
        .satisfies(e -> assertThat(((FerryException) e).is(HResult.E_INVALIDARG)).isTrue());
  }

  @Test
  void piecesASourceVerifiedAgainstTheFilesCheckAreNotHashedAgainAndOthersAre() throws Exception {
    Content content = Content.random(6L * MIB, 75);
    CountingCheck check = new CountingCheck(hashesOf(content));
    CountingCheck otherCheck = new CountingCheck(hashesOf(content));
    RecordedEvents events = new RecordedEvents();
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig()
                .withOriginsFirst(List.of(new ToyOrigin(content, c -> c == check)))
                .withSourceProviders(
                    new SourceProvider() {
                      @Override
                      public Optional<PieceCheck> pieceCheck(FileRef file) {
                        return Optional.of(
                            file.uri().getPath().contains("vouched") ? check : otherCheck);
                      }

                      @Override
                      public List<Source> sourcesFor(FileRef file) {
                        return List.of();
                      }
                    })
                .withTransferEvents(events));

    Path vouched = fx.download("vouched.bin");
    BackgroundCopyJob job = fx.alice().createJob("vouched");
    job.addFile("toy:/vouched.bin", vouched.toString());
    job.resume();
    awaitState(job, JobState.TRANSFERRED);
    job.complete();
    assertThat(EngineFixture.sha256(vouched)).isEqualTo(content.sha256());
    assertThat(check.hashed()).as("every piece came verified against the file's check").hasValue(0);
    assertThat(events.pieces)
        .as("and counts as verified")
        .contains(new RecordedEvents.Piece(5, MemorySource.KIND, true));

    // The same bytes, verified against a check that is not the file's: every piece is hashed.
    Path checked = fx.download("checked.bin");
    BackgroundCopyJob second = fx.alice().createJob("checked");
    second.addFile("toy:/checked.bin", checked.toString());
    second.resume();
    awaitState(second, JobState.TRANSFERRED);
    second.complete();
    assertThat(EngineFixture.sha256(checked)).isEqualTo(content.sha256());
    assertThat(otherCheck.hashed()).hasValueGreaterThanOrEqualTo(6);
  }

  @Test
  void aSourceThatGainsTheBytesLaterRelievesTheOriginMidFile() throws Exception {
    Content content = Content.random(8L * MIB, 76);
    AtomicBoolean ready = new AtomicBoolean();
    LateSource late = new LateSource(MemorySource.holding(content.bytes(), content.size()), ready);
    RecordedEvents events = new RecordedEvents();
    fx =
        new EngineFixture(
            tmp,
            EngineFixture.testConfig()
                .withSourceProviders(new KnowingProvider(hashesOf(content), late))
                .withTransferEvents(events));
    fx.origin.put("/late.bin", content);
    fx.origin.fault("/late.bin", Fault.throttle(MIB));
    Path target = fx.download("late.bin");
    // A background job: one connection, which the origin had, the peer having nothing then.
    BackgroundCopyJob job = start("/late.bin", target, false);
    await().atMost(Duration.ofSeconds(60)).until(() -> events.bytes(SourceKind.ORIGIN) > MIB);
    ready.set(true);
    awaitState(job, JobState.TRANSFERRED);
    job.complete();

    assertThat(EngineFixture.sha256(target)).isEqualTo(content.sha256());
    assertThat(events.bytes(MemorySource.KIND)).as("the late source served").isPositive();
    assertThat(events.bytes(SourceKind.ORIGIN))
        .as("the origin stopped short of the file")
        .isLessThan(content.size());
  }
}
