package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyFile;
import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.rest.FileView;
import dev.ferry.rest.JobView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * Jobs and files as the local API's records ({@link JobView}, {@link FileView}), which both the
 * JSON and the text output are made from, so the two never disagree.
 */
final class Views {
  private Views() {}

  /** Views of {@code jobs}, leaving out any that ended or vanished since they were listed. */
  static List<JobView> of(List<BackgroundCopyJob> jobs) {
    List<JobView> views = new ArrayList<>();
    for (BackgroundCopyJob job : jobs) {
      try {
        views.add(JobView.of(job));
      } catch (FerryException e) {
        if (!e.is(HResult.BG_E_NOT_FOUND)) {
          throw e;
        }
      }
    }
    return views;
  }

  static List<FileView> files(BackgroundCopyJob job) {
    List<BackgroundCopyFile> files = job.files();
    List<FileView> views = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      views.add(FileView.of(i, files.get(i)));
    }
    return views;
  }

  /** The table of {@code list} and {@code monitor}. */
  static void printJobs(PrintWriter out, List<JobView> jobs, boolean owners) {
    Table table =
        owners
            ? new Table("ID", "STATE", "PRIORITY", "FILES", "BYTES", "OWNER", "NAME")
            : new Table("ID", "STATE", "PRIORITY", "FILES", "BYTES", "NAME");
    for (JobView job : jobs) {
      if (owners) {
        table.row(
            job.id(),
            job.state(),
            job.priority(),
            Texts.files(job.progress()),
            Texts.bytes(job.progress()),
            job.owner().name(),
            job.displayName());
      } else {
        table.row(
            job.id(),
            job.state(),
            job.priority(),
            Texts.files(job.progress()),
            Texts.bytes(job.progress()),
            job.displayName());
      }
    }
    table.print(out);
  }

  /** The table of {@code listfiles}; the RANGES column only when some file has ranges. */
  static void printFiles(PrintWriter out, List<FileView> files, String indent) {
    boolean ranges = files.stream().anyMatch(f -> !f.ranges().isEmpty());
    Table table =
        ranges
            ? new Table(indent + "#", "STATE", "BYTES", "RANGES", "REMOTE", "LOCAL")
            : new Table(indent + "#", "STATE", "BYTES", "REMOTE", "LOCAL");
    for (FileView file : files) {
      String bytes = Texts.bytes(file.bytesTransferred(), file.bytesTotal());
      if (ranges) {
        table.row(
            indent + file.index(),
            Texts.fileState(file),
            bytes,
            Texts.ranges(file),
            file.remoteName(),
            file.localName());
      } else {
        table.row(
            indent + file.index(),
            Texts.fileState(file),
            bytes,
            file.remoteName(),
            file.localName());
      }
    }
    table.print(out);
  }

  /** {@code info}: bitsadmin's /info lines; /verbose adds every property, the error and files. */
  static void printInfo(PrintWriter out, JobView job, boolean verbose) {
    out.println("GUID: " + job.id() + " DISPLAY: '" + job.displayName() + "'");
    out.println(
        "TYPE: " + job.type() + " STATE: " + job.state() + " OWNER: " + Texts.owner(job.owner()));
    out.println(
        "PRIORITY: "
            + job.priority()
            + " FILES: "
            + Texts.files(job.progress())
            + " BYTES: "
            + Texts.bytes(job.progress()));
    if (verbose) {
      out.println(
          "CREATION TIME: "
              + job.times().created()
              + " MODIFICATION TIME: "
              + job.times().modified());
      out.println("COMPLETION TIME: " + Texts.orNull(job.times().transferred()));
      out.println("NOTIFY FLAGS: " + Texts.notifyFlags(job.notifyFlags()));
      out.println("NOTIFY COMMAND LINE: " + Texts.commandLine(job.notifyCmdLine()));
      out.println(
          "ERROR COUNT: "
              + job.errorCount()
              + " MINIMUM RETRY DELAY: "
              + job.minimumRetryDelaySeconds()
              + " NO PROGRESS TIMEOUT: "
              + job.noProgressTimeoutSeconds());
      out.println(
          "PROXY USAGE: "
              + job.proxy().usage()
              + " PROXY LIST: "
              + Texts.orNull(job.proxy().proxyList())
              + " PROXY BYPASS LIST: "
              + Texts.orNull(job.proxy().bypassList()));
      out.println("DESCRIPTION: " + job.description());
      out.println(
          "CUSTOM HEADERS: "
              + (job.customHeaders() == null
                  ? Texts.NULL
                  : Texts.headers(job.customHeaders()).replace("\n", " | ")));
      if (job.error() != null) {
        printError(out, job.error(), job.files());
      }
      out.println("JOB FILES:");
      printFiles(out, job.files(), "  ");
    }
    out.flush();
  }

  /** {@code geterror}: bitsadmin's three lines. */
  static void printError(PrintWriter out, dev.ferry.rest.ErrorView error, List<FileView> files) {
    if (error.fileIndex() != null && error.fileIndex() < files.size()) {
      FileView file = files.get(error.fileIndex());
      out.println("ERROR FILE: " + file.remoteName() + " -> " + file.localName());
    }
    out.println(
        "ERROR CODE: "
            + HResult.hex(error.code())
            + " "
            + error.codeName()
            + " - "
            + error.description().strip());
    out.println("ERROR CONTEXT: " + error.context() + " - " + error.contextDescription().strip());
  }
}
