package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyError;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobProgress;
import dev.ferry.api.JobState;
import dev.ferry.engine.Ferry;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry get URL...}: a one-shot download through a foreground job, with a progress bar. Like
 * {@code bitsadmin /transfer} it waits through transient errors, completes the job on success and
 * cancels it on a fatal error. Interrupted, it suspends the job; the same command later resumes it
 * where it stopped.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Download one or more URLs now, with progress, and wait until they are in place.")
final class GetCommand implements java.util.concurrent.Callable<Integer> {
  @Parameters(arity = "1..*", paramLabel = "URL", description = "http, https or file URLs")
  List<String> urls;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description =
          "where to write the file (one URL only); default: its name from the URL, in the current directory")
  Path output;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      description = "the directory for the files; default: the current directory")
  Path directory;

  @Option(
      names = "--priority",
      defaultValue = "FOREGROUND",
      description = "FOREGROUND, HIGH, NORMAL or LOW (default: ${DEFAULT-VALUE})")
  JobPriority priority;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "give up after this long without progress (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(names = "--data-dir", paramLabel = "DIR", description = "the engine's data directory")
  Path dataDir;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress output")
  boolean quiet;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    if (output != null && urls.size() > 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "-o takes one URL; use -d for several");
    }
    List<FileInfo> files = new ArrayList<>();
    for (String url : urls) {
      files.add(new FileInfo(url, destination(url).toString()));
    }
    String name = "ferry get " + String.join(" ", urls);
    try (BackgroundCopyManager manager =
        Ferry.embedded(dataDir != null ? dataDir : Ferry.defaultDataDir())) {
      BackgroundCopyJob job = findOrCreate(manager, name, files);
      return follow(job, err);
    } finally {
      // Closing the engine checkpoints the transfers; only then may an interrupted JVM exit.
      finished.countDown();
    }
  }

  private final CountDownLatch finished = new CountDownLatch(1);

  private Path destination(String url) {
    if (output != null) {
      return output.toAbsolutePath().normalize();
    }
    Path dir = (directory != null ? directory : Path.of("")).toAbsolutePath().normalize();
    String path;
    try {
      path = URI.create(url).getPath();
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "not a valid URL: " + url);
    }
    String fileName = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    if (fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")) {
      fileName = "index.html";
    }
    return dir.resolve(fileName);
  }

  /** An unfinished job from an earlier, interrupted run of the same command, or a new job. */
  private BackgroundCopyJob findOrCreate(
      BackgroundCopyManager manager, String name, List<FileInfo> files) {
    for (BackgroundCopyJob existing : manager.enumJobs()) {
      if (existing.displayName().equals(name) && sameFiles(existing, files)) {
        existing.setPriority(priority);
        existing.resume();
        return existing;
      }
    }
    BackgroundCopyJob job = manager.createJob(name);
    try {
      job.setPriority(priority);
      job.setMinimumRetryDelay(Duration.ofSeconds(5));
      job.setNoProgressTimeout(Duration.ofSeconds(timeoutSeconds));
      job.addFileSet(files);
      job.resume();
    } catch (RuntimeException e) {
      job.cancel();
      throw e;
    }
    return job;
  }

  private static boolean sameFiles(BackgroundCopyJob job, List<FileInfo> files) {
    var existing = job.files();
    if (existing.size() != files.size()) {
      return false;
    }
    for (int i = 0; i < files.size(); i++) {
      if (!existing.get(i).remoteName().equals(files.get(i).remoteName())
          || !existing.get(i).localName().equals(files.get(i).localName())) {
        return false;
      }
    }
    return true;
  }

  private int follow(BackgroundCopyJob job, PrintWriter err) throws InterruptedException {
    AtomicBoolean interrupted = new AtomicBoolean();
    Thread hook =
        new Thread(() -> {
          interrupted.set(true);
          try {
            job.suspend();
          } catch (FerryException ignored) {
            // Already final: nothing to keep.
          }
          try {
            finished.await();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    Runtime.getRuntime().addShutdownHook(hook);
    String task =
        job.files().size() == 1
            ? Path.of(job.files().get(0).localName()).getFileName().toString()
            : job.files().size() + " files";
    try (Progress progress = quiet ? Progress.silent() : Progress.open(task, err)) {
      String lastNote = "";
      while (true) {
        JobState state = job.state();
        JobProgress p = job.progress();
        progress.update(p);
        switch (state) {
          case TRANSFERRED -> {
            HResult result = job.complete();
            progress.done(p);
            if (result != HResult.S_OK) {
              err.println("ferry: " + result.message());
            }
            return ExitCodes.OK;
          }
          case ERROR -> {
            String reason = job.error().map(GetCommand::describe).orElse("the transfer failed");
            job.cancel();
            progress.failed();
            err.println("ferry: " + reason);
            return ExitCodes.FAILED;
          }
          case SUSPENDED, CANCELLED, ACKNOWLEDGED -> {
            if (interrupted.get()) {
              progress.failed();
              err.println("ferry: interrupted; run the same command again to resume");
              return ExitCodes.INTERRUPTED;
            }
            err.println(
                "ferry: the job was "
                    + state.name().toLowerCase(Locale.ROOT)
                    + " by another program");
            return ExitCodes.FAILED;
          }
          case TRANSIENT_ERROR -> {
            String note = job.error().map(GetCommand::describe).orElse("retrying");
            if (!note.equals(lastNote)) {
              progress.note("retrying: " + note);
              lastNote = note;
            }
          }
          default -> lastNote = "";
        }
        Thread.sleep(200);
      }
    } finally {
      if (!interrupted.get()) {
        Runtime.getRuntime().removeShutdownHook(hook);
      }
    }
  }

  private static String describe(BackgroundCopyError error) {
    String file = error.file().map(f -> f.remoteName() + ": ").orElse("");
    return file
        + error.errorDescription(Locale.ENGLISH)
        + " ["
        + HResult.nameOf(error.code())
        + ", "
        + error.context()
        + "]";
  }
}
