package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FileInfo;
import dev.ferry.api.JobPriority;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code transfer NAME URL LOCAL...}: bitsadmin /transfer. Creates a job (NORMAL priority unless
 * told), follows it with progress, completes it on success, cancels it on a fatal error and waits
 * through transient ones (the job retries after its minimum retry delay).
 */
@Command(
    name = "transfer",
    mixinStandardHelpOptions = true,
    description =
        "Create a job for URL/LOCAL pairs, transfer it now with progress, and complete it.")
final class TransferCommand extends Verb {
  @Parameters(index = "0", paramLabel = "NAME", description = "the job's display name")
  String name;

  @Parameters(
      index = "1..*",
      arity = "2..*",
      paramLabel = "URL LOCAL",
      description = "pairs: a remote URL, then the local path it is downloaded to")
  List<String> pairs;

  @Option(names = "--download", description = "a download job (the only kind; as bitsadmin)")
  boolean download;

  @Option(
      names = "--priority",
      defaultValue = "NORMAL",
      description = "FOREGROUND, HIGH, NORMAL or LOW (default: ${DEFAULT-VALUE})")
  JobPriority priority;

  @Option(
      names = {"-q", "--quiet"},
      description = "no progress output")
  boolean quiet;

  private final List<FileInfo> files = new ArrayList<>();

  @Override
  boolean sharesEngine() {
    return true;
  }

  @Override
  void validate() {
    if (pairs.size() % 2 != 0) {
      throw usage("URL and LOCAL come in pairs; '" + pairs.get(pairs.size() - 1) + "' has none");
    }
    for (int i = 0; i < pairs.size(); i += 2) {
      Urls.problem(pairs.get(i))
          .ifPresent(problem -> {
            throw usage(problem);
          });
      files.add(new FileInfo(pairs.get(i), FileCommands.absolute(pairs.get(i + 1))));
    }
  }

  @Override
  int run(Session session) throws InterruptedException {
    BackgroundCopyJob job = session.manager().createJob(name);
    try {
      job.setPriority(priority);
      job.addFileSet(files);
      job.resume();
    } catch (RuntimeException e) {
      job.cancel();
      throw e;
    }
    if (!quiet) {
      err().println("ferry: job " + job.id() + " '" + name + "'");
    }
    Foreground foreground = foreground(job::suspend);
    String task = files.size() == 1 ? name : name + " (" + files.size() + " files)";
    try (Progress progress =
        quiet ? Progress.silent() : Progress.open(task, job.progress().bytesTransferred(), err())) {
      return new Follow(job, err(), foreground)
          .finishing()
          .onInterrupt(
              "interrupted; job "
                  + job.id()
                  + " is suspended: 'ferry resume' goes on, 'ferry cancel' drops it")
          .run(progress);
    }
  }
}
