package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.BackgroundCopyManager;
import dev.ferry.api.FerryException;
import dev.ferry.api.FileInfo;
import dev.ferry.api.HResult;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.JobPropertyValue;
import dev.ferry.api.JobState;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ferry get URL...}: a one-shot download through a foreground job, with a progress bar,
 * through ferryd when one runs and the embedded engine otherwise. It completes the job on success;
 * a URL that fails is reported and the others are still downloaded (as by wget and aria2c).
 * Interrupted, it suspends the job; the same URL to the same file later resumes it where it
 * stopped. An existing file is not replaced unless {@code --overwrite} says so.
 */
@Command(
    name = "get",
    mixinStandardHelpOptions = true,
    description = {
      "Download one or more URLs now, with progress, and wait until they are in place.",
      "Ctrl+C suspends the download; the same URL to the same file resumes it. A URL that fails"
          + " does not stop the others; the summary lists the failures (exit 1)."
    })
final class GetCommand extends Verb {
  /** The display names of get's jobs start with this, so a later get can find them. */
  static final String NAME_PREFIX = "ferry get ";

  @Parameters(
      arity = "0..*",
      paramLabel = "URL",
      description = "http, https or file URLs; none with --torrent: the file comes from peers")
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
          "where to write the file (one URL only); default: its name from the URL, in the current"
              + " directory")
  Path output;

  @Option(
      names = {"-d", "--dir"},
      paramLabel = "DIR",
      description =
          "the directory for the files, created when missing; default: the current directory")
  Path directory;

  @Option(
      names = "--overwrite",
      description =
          "replace files that exist already (default: leave them and skip their URLs, as wget -nc)")
  boolean overwrite;

  @Option(
      names = "--priority",
      defaultValue = "FOREGROUND",
      description = "FOREGROUND, HIGH, NORMAL or LOW (default: ${DEFAULT-VALUE})")
  JobPriority priority;

  @Option(
      names = "--limit-rate",
      paramLabel = "RATE",
      converter = PolicyCommand.Rate.class,
      description =
          "cap this download at RATE bytes per second (K, M or G suffix; unlimited lifts it), on"
              + " top of the bandwidth policy; sets the job's MAX_TRANSFER_RATE")
  Long limitRate;

  @Option(
      names = "--cache-host",
      paramLabel = "HOST",
      description =
          "ask this cache server (DO's cache host, such as Microsoft Connected Cache or an nginx"
              + " set up as one: a host name or address, optionally :PORT) before the origin;"
              + " repeatable, tried in order; sets the job's CACHE_HOSTS in place of the"
              + " machine's")
  List<String> cacheHosts = new ArrayList<>();

  @Option(
      names = "--cache-fallback",
      paramLabel = "SECONDS",
      description =
          "how long failing cache hosts keep the origin from being asked (-1: never; default:"
              + " the machine's delay, else at the first failure); sets CACHE_FALLBACK_DELAY")
  Integer cacheFallback;

  @Mixin PeerOptions peerOptions = new PeerOptions();

  @Option(
      names = "--json",
      description =
          "print, when done, one JSON record on standard output: per file the URL, the path, the"
              + " bytes from HTTP (origin and cache servers), from peers and from cache servers,"
              + " the bytes sent to peers while it downloaded, and the file's SHA-256; with the"
              + " totals")
  boolean json;

  @Option(
      names = "--timeout",
      defaultValue = "120",
      paramLabel = "SECONDS",
      converter = Numbers.Seconds.class,
      description =
          "give up after this long without progress (default: ${DEFAULT-VALUE}); a name that does"
              + " not resolve or a refused connection gives up sooner")
  long timeoutSeconds;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress output and no summary; errors only")
  boolean quiet;

  private List<FileInfo> files;

  @Override
  boolean sharesEngine() {
    return true;
  }

  @Override
  void validate() {
    if (inputFile != null) {
      urls.addAll(readUrls(inputFile));
    }
    peerOptions.check(urls, this::usage);
    if (urls.isEmpty()) {
      throw usage("no URL: give at least one, or -i FILE, or --torrent FILE");
    }
    if (output != null && urls.size() > 1) {
      throw usage("-o takes one URL; use -d for several");
    }
    if (output != null && directory != null) {
      throw usage("-o and -d do not go together; -o names the file itself");
    }
    for (String url : urls) {
      if (PeerOptions.isMagnet(url)) {
        continue;
      }
      Urls.problem(url)
          .ifPresent(problem -> {
            throw usage(problem);
          });
    }
    for (String host : cacheHosts) {
      if (host.isBlank() || host.contains("/") || host.contains("@")) {
        throw usage("--cache-host " + host + ": a host name or address, optionally :PORT");
      }
    }
    if (cacheFallback != null && cacheFallback < -1) {
      throw usage("--cache-fallback " + cacheFallback + ": -1 (never) or a number of seconds");
    }
    if (directory != null && Files.exists(directory) && !Files.isDirectory(directory)) {
      throw usage("-d " + directory + ": not a directory");
    }
    if (output != null && Files.isDirectory(output)) {
      throw usage("-o " + output + " is a directory; use -d for a directory");
    }
    files = new ArrayList<>();
    Map<String, String> byDestination = new HashMap<>();
    for (String url : urls) {
      String local = destination(url).toString();
      String other = byDestination.putIfAbsent(local, url);
      if (other != null) {
        throw usage(
            other + " and " + url + " would both be saved as " + local + "; use -o for each");
      }
      files.add(new FileInfo(url, local));
    }
  }

  boolean json() {
    return json;
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
    } catch (NoSuchFileException e) {
      throw usage("-i " + source + ": no such file");
    } catch (AccessDeniedException e) {
      throw usage("-i " + source + ": permission denied");
    } catch (IOException e) {
      throw usage("-i " + source + ": " + (Files.isDirectory(Path.of(source)) ? "a directory" : e));
    } catch (InvalidPathException e) {
      throw usage("-i " + source + ": not a file name (" + e.getReason() + ")");
    }
  }

  /**
   * The job's name: the URL and where it goes, which is what a later run must match to resume it
   * and what tells two downloads of one URL apart in {@code ferry list}. Cut to BITS's 256
   * characters (the files themselves still identify the job).
   */
  static String displayName(List<FileInfo> files) {
    String where =
        files.size() == 1
            ? " -o " + files.get(0).localName()
            : " -d " + Path.of(files.get(0).localName()).getParent();
    String full =
        NAME_PREFIX
            + files.stream().map(FileInfo::remoteName).collect(Collectors.joining(" "))
            + where;
    if (full.length() <= 256) {
      return full;
    }
    String suffix = " (+" + (files.size() - 1) + " more)" + where;
    String first = NAME_PREFIX + files.get(0).remoteName();
    return (first.length() + suffix.length() <= 256
            ? first
            : first.substring(0, Math.max(NAME_PREFIX.length(), 256 - suffix.length() - 1)) + "…")
        + suffix;
  }

  @Override
  int run(Session session) throws InterruptedException {
    try {
      Path dir = directory != null ? directory : output != null ? output.getParent() : null;
      if (dir != null) {
        Files.createDirectories(dir.toAbsolutePath());
      }
    } catch (IOException e) {
      throw new FerryException(
          HResult.ERROR_PATH_NOT_FOUND, "cannot create the directory: " + e.getMessage());
    }
    BackgroundCopyManager manager = session.manager();
    List<String> notes = new ArrayList<>();
    if (peerOptions.peerPort != null && session.choice().daemon()) {
      // ferryd listens for peers once for every download it runs.
      notes.add(
          "--peer-port "
              + peerOptions.peerPort
              + " is not used: ferryd serves peers on its own port ('ferry daemon --peer-port')");
    }
    List<BackgroundCopyJob> jobs = new ArrayList<>();
    List<FileInfo> wanted = new ArrayList<>(files);
    resumeEarlierRuns(manager, wanted, jobs, notes);
    List<FileInfo> fresh = new ArrayList<>();
    int skipped = 0;
    for (FileInfo file : wanted) {
      if (!overwrite && Files.exists(Path.of(file.localName()))) {
        notes.add(
            file.localName()
                + " exists; "
                + file.remoteName()
                + " skipped (--overwrite replaces it)");
        skipped++;
      } else {
        fresh.add(file);
      }
    }
    if (!fresh.isEmpty()) {
      jobs.add(create(manager, fresh));
    }
    for (String note : notes) {
      err().println("ferry: " + note);
    }
    err().flush();
    if (jobs.isEmpty()) {
      return ExitCodes.OK;
    }
    GetRun run = new GetRun(this, session, jobs, skipped);
    Foreground foreground = foreground(run::suspendAll);
    return run.follow(foreground);
  }

  /**
   * Takes over the unfinished jobs of earlier gets whose every file is one this run wants (the same
   * URL to the same file): they are resumed, not started again. Earlier jobs that share a URL or a
   * file with this run but not all of their files are left alone, and said so, with how to resume
   * or remove them: nothing piles up unseen.
   */
  private void resumeEarlierRuns(
      BackgroundCopyManager manager,
      List<FileInfo> wanted,
      List<BackgroundCopyJob> jobs,
      List<String> notes) {
    Set<String> urlsWanted = wanted.stream().map(FileInfo::remoteName).collect(Collectors.toSet());
    Set<String> localsWanted = wanted.stream().map(FileInfo::localName).collect(Collectors.toSet());
    for (BackgroundCopyJob earlier : manager.enumJobs(false)) {
      List<BackgroundCopyFile> earlierFiles;
      JobState state;
      try {
        if (!earlier.displayName().startsWith(NAME_PREFIX)) {
          continue;
        }
        state = earlier.state();
        earlierFiles = earlier.files();
      } catch (FerryException gone) {
        continue;
      }
      if (state == JobState.CANCELLED || state == JobState.ACKNOWLEDGED) {
        continue;
      }
      Map<String, String> pairs = new LinkedHashMap<>();
      for (BackgroundCopyFile f : earlierFiles) {
        pairs.put(f.remoteName(), f.localName());
      }
      boolean all =
          !pairs.isEmpty()
              && pairs.entrySet().stream()
                  .allMatch(e -> wanted.contains(new FileInfo(e.getKey(), e.getValue())));
      if (all) {
        setUp(earlier);
        earlier.resume();
        jobs.add(earlier);
        wanted.removeIf(f -> f.localName().equals(pairs.get(f.remoteName())));
        continue;
      }
      boolean overlaps =
          pairs.keySet().stream().anyMatch(urlsWanted::contains)
              || pairs.values().stream().anyMatch(localsWanted::contains);
      if (overlaps) {
        long bytes = earlier.progress().bytesTransferred();
        notes.add(
            "an earlier, unfinished get ("
                + state
                + ", "
                + Progress.mib(bytes)
                + " on disk) is left as it was: job "
                + earlier.id()
                + " '"
                + earlier.displayName()
                + "'; run that command again to resume it, or 'ferry cancel "
                + earlier.id()
                + "' to delete its partial files");
      }
    }
  }

  /** Whether the download names cache hosts of its own ({@code --cache-host}). */
  boolean asksCaches() {
    return !cacheHosts.isEmpty();
  }

  /**
   * Whether failing cache hosts may keep this download from its origin for a while ({@code
   * --cache-host} with a {@code --cache-fallback} other than 0), so that a refused connection is
   * not the origin's.
   */
  boolean waitsForCaches() {
    return asksCaches() && cacheFallback != null && cacheFallback != 0;
  }

  /** A new job for {@code files}, resumed. */
  BackgroundCopyJob create(BackgroundCopyManager manager, List<FileInfo> files) {
    BackgroundCopyJob job = manager.createJob(displayName(files));
    try {
      setUp(job);
      job.addFileSet(files);
      job.resume();
    } catch (RuntimeException e) {
      job.cancel();
      throw e;
    }
    return job;
  }

  private void setUp(BackgroundCopyJob job) {
    job.setPriority(priority);
    job.setMinimumRetryDelay(Duration.ofSeconds(5));
    job.setNoProgressTimeout(Duration.ofSeconds(timeoutSeconds));
    if (limitRate != null) {
      job.setProperty(
          JobPropertyId.MAX_TRANSFER_RATE, new JobPropertyValue.Uint64(Math.max(0, limitRate)));
    }
    if (!cacheHosts.isEmpty()) {
      job.setProperty(
          JobPropertyId.CACHE_HOSTS, new JobPropertyValue.Text(String.join(",", cacheHosts)));
    }
    if (cacheFallback != null) {
      job.setProperty(
          JobPropertyId.CACHE_FALLBACK_DELAY, new JobPropertyValue.Dword(cacheFallback));
    }
    peerOptions.setUp(job);
  }

  private Path destination(String url) {
    if (output != null) {
      return output.toAbsolutePath().normalize();
    }
    Path dir = (directory != null ? directory : Path.of("")).toAbsolutePath().normalize();
    String path = URI.create(url).getPath();
    String fileName = path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
    fileName = peerOptions.fileName(url, fileName);
    if (fileName.isEmpty() || fileName.equals(".") || fileName.equals("..")) {
      fileName = "index.html";
    }
    return dir.resolve(fileName);
  }

  boolean quiet() {
    return quiet;
  }

  @Override
  dev.ferry.engine.EngineConfig wire(dev.ferry.engine.EngineConfig config) {
    return peerOptions.wire(config, urls);
  }

  /** Whether this download asks peers (the --json summary counts their bytes). */
  boolean usesPeers() {
    return peerOptions.usesPeers(urls);
  }
}
