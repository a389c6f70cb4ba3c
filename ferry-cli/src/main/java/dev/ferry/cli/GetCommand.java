package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry get URL...}: a one-shot download through a foreground job, with a progress bar,
 * through ferryd when one runs and the embedded engine otherwise. Like {@code bitsadmin /transfer}
 * it waits through transient errors, completes the job on success and cancels it on a fatal error.
 * Interrupted, it suspends the job; the same command later resumes it where it stopped.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = "Download one or more URLs now, with progress, and wait until they are in place.")
final class GetCommand extends Verb {
  @Parameters(arity = "0..*", paramLabel = "URL", description = "http, https or file URLs")
  List<String> urls = new ArrayList<>();

  @Option(
      names = {"-i", "--input-file"},
      paramLabel = "FILE",
      description =
          "read URLs from FILE (- for standard input), one per line, after those on the command"
              + " line; blank lines and lines starting with # are skipped, as by wget -i")
  String inputFile;

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
      names = "--limit-rate",
      paramLabel = "RATE",
      description =
          "cap this download at RATE bytes per second (K, M or G suffix; unlimited lifts it), on"
              + " top of the bandwidth policy; sets the job's MAX_TRANSFER_RATE")
  String limitRate;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      description = "give up after this long without progress (default: ${DEFAULT-VALUE})")
  long timeoutSeconds;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress output")
  boolean quiet;

  private List<FileInfo> files;
  private long maxTransferRate = -1;

  @Override
  void validate() {
    if (inputFile != null) {
      urls.addAll(readUrls(inputFile));
    }
    if (urls.isEmpty()) {
      throw usage("no URL: give at least one, or -i FILE");
    }
    if (output != null && urls.size() > 1) {
      throw usage("-o takes one URL; use -d for several");
    }
    if (limitRate != null) {
      maxTransferRate = Math.max(0, PolicyCommand.rate(limitRate));
    }
    files = new ArrayList<>();
    for (String url : urls) {
      files.add(new FileInfo(url, destination(url).toString()));
    }
  }

  /** The URLs of an input file, or of standard input for "-". */
  private List<String> readUrls(String source) {
    try {
      BufferedReader in =
          source.equals("-")
              ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
              : Files.newBufferedReader(Path.of(source), StandardCharsets.UTF_8);
      try (in) {
        List<String> read = new ArrayList<>();
        for (String line; (line = in.readLine()) != null; ) {
          String url = line.strip();
          if (!url.isEmpty() && !url.startsWith("#")) {
            read.add(url);
          }
        }
        return read;
      }
    } catch (IOException | InvalidPathException e) {
      throw usage("cannot read the URLs in " + source + ": " + e.getMessage());
    }
  }

  /**
   * The job's name: the command as typed when it fits BITS's 256 characters, else the first URL and
   * a count (the files themselves still identify the job when the command is run again).
   */
  static String displayName(List<String> urls) {
    String full = "ferry get " + String.join(" ", urls);
    if (full.length() <= 256) {
      return full;
    }
    String suffix = " (+" + (urls.size() - 1) + " more)";
    String first = "ferry get " + urls.get(0);
    return (first.length() + suffix.length() <= 256
            ? first
            : first.substring(0, 256 - suffix.length() - 1) + "…")
        + suffix;
  }

  @Override
  int run(Session session) throws InterruptedException {
    String name = displayName(urls);
    BackgroundCopyJob job = findOrCreate(session.manager(), name, files);
    Foreground foreground = foreground(job::suspend);
    String task =
        files.size() == 1
            ? Path.of(files.get(0).localName()).getFileName().toString()
            : files.size() + " files";
    try (Progress progress = quiet ? Progress.silent() : Progress.open(task, err())) {
      return new Follow(job, err(), foreground)
          .finishing()
          .onInterrupt("interrupted; run the same command again to resume")
          .run(progress);
    }
  }

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
        limitRate(existing);
        existing.resume();
        return existing;
      }
    }
    BackgroundCopyJob job = manager.createJob(name);
    try {
      job.setPriority(priority);
      job.setMinimumRetryDelay(Duration.ofSeconds(5));
      job.setNoProgressTimeout(Duration.ofSeconds(timeoutSeconds));
      limitRate(job);
      job.addFileSet(files);
      job.resume();
    } catch (RuntimeException e) {
      job.cancel();
      throw e;
    }
    return job;
  }

  private void limitRate(BackgroundCopyJob job) {
    if (maxTransferRate >= 0) {
      job.setProperty(
          JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(maxTransferRate));
    }
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
}
