package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.NotifyFlag;
import dev.ferry.rest.ErrorView;
import dev.ferry.rest.JobView;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * bitsadmin's one-value getters. Each reads its value as the JSON of the local API has it (a field
 * of {@link JobView}, or one of its records), and says how that value reads as text.
 */
enum Getter {
  STATE(
      "getstate",
      "The job's state (QUEUED, TRANSFERRING, ERROR, TRANSFERRED…).",
      j -> name(j.state())),
  BYTES_TOTAL(
      "getbytestotal",
      "The bytes to transfer: UNKNOWN (-1 in JSON) while a file's size is unknown.",
      j -> j.progress().bytesTotal(),
      (j, v) -> Texts.size((Long) v)),
  BYTES_TRANSFERRED(
      "getbytestransferred", "The bytes transferred so far.", j -> j.progress().bytesTransferred()),
  FILES_TOTAL("getfilestotal", "The number of files in the job.", j -> j.progress().filesTotal()),
  FILES_TRANSFERRED(
      "getfilestransferred",
      "The number of files transferred completely.",
      j -> j.progress().filesTransferred()),
  CREATION_TIME(
      "getcreationtime",
      "When the job was created (ISO-8601, UTC).",
      j -> j.times().creationTime().toString()),
  MODIFICATION_TIME(
      "getmodificationtime",
      "When the job or its transfer last changed (ISO-8601, UTC).",
      j -> j.times().modificationTime().toString()),
  COMPLETION_TIME(
      "getcompletiontime",
      "When the job became TRANSFERRED (ISO-8601, UTC); NULL before.",
      j -> j.times().transferCompletionTime().map(Object::toString).orElse(null)),
  ERROR(
      "geterror",
      "The job's error, in ERROR and TRANSIENT_ERROR only (else BG_E_ERROR_INFORMATION_UNAVAILABLE).",
      Getter::error,
      Getter::errorText),
  ERROR_COUNT("geterrorcount", "How many errors the job has had.", BackgroundCopyJob::errorCount),
  PRIORITY("getpriority", "FOREGROUND, HIGH, NORMAL or LOW.", j -> name(j.priority())),
  OWNER(
      "getowner",
      "The user who owns the job.",
      j -> new JobView.Owner(j.owner().uid(), j.owner().name()),
      (j, v) -> Texts.owner((JobView.Owner) v)),
  NOTIFY_FLAGS(
      "getnotifyflags",
      "The notify flags (1 transferred, 2 error, 4 disable, 8 modification, 16 file transferred).",
      j -> NotifyFlag.toMask(j.notifyFlags())),
  NOTIFY_CMD_LINE(
      "getnotifycmdline",
      "The program run when the job is transferred or fails, and its parameters; NULL if none.",
      j ->
          j.notifyCmdLine()
              .map(c -> new JobView.CommandLine(c.program(), c.parameters()))
              .orElse(null),
      (j, v) -> Texts.commandLine((JobView.CommandLine) v)),
  MIN_RETRY_DELAY(
      "getminretrydelay",
      "Seconds to wait after a transient error before retrying.",
      j -> j.minimumRetryDelay().toSeconds()),
  NO_PROGRESS_TIMEOUT(
      "getnoprogresstimeout",
      "Seconds of retrying without progress before a transient error becomes fatal.",
      j -> j.noProgressTimeout().toSeconds()),
  PROXY_USAGE(
      "getproxyusage",
      "PRECONFIG, NO_PROXY, OVERRIDE or AUTODETECT.",
      j -> name(j.proxySettings().usage())),
  PROXY_LIST(
      "getproxylist", "The proxies of OVERRIDE; NULL if none.", j -> j.proxySettings().proxyList()),
  PROXY_BYPASS_LIST(
      "getproxybypasslist",
      "The hosts reached without the proxy; NULL if none.",
      j -> j.proxySettings().bypassList()),
  TYPE("gettype", "DOWNLOAD, UPLOAD or UPLOAD_REPLY.", j -> name(j.type())),
  DISPLAY_NAME("getdisplayname", "The job's display name.", BackgroundCopyJob::displayName),
  DESCRIPTION("getdescription", "The job's description.", BackgroundCopyJob::description),
  CUSTOM_HEADERS(
      "getcustomheaders",
      "The custom HTTP request headers, one per line; NULL if none.",
      BackgroundCopyJob::customHeaders,
      (j, v) -> Texts.headers((String) v));

  final String verb;
  final String description;
  private final Function<BackgroundCopyJob, Object> value;
  private final BiFunction<BackgroundCopyJob, Object, String> text;

  Getter(String verb, String description, Function<BackgroundCopyJob, Object> value) {
    this(verb, description, value, (job, v) -> Texts.orNull(v));
  }

  Getter(
      String verb,
      String description,
      Function<BackgroundCopyJob, Object> value,
      BiFunction<BackgroundCopyJob, Object, String> text) {
    this.verb = verb;
    this.description = description;
    this.value = value;
    this.text = text;
  }

  /** The value as JSON has it: a string, a number, a record of the local API, or null. */
  Object value(BackgroundCopyJob job) {
    return value.apply(job);
  }

  String text(BackgroundCopyJob job, Object value) {
    return text.apply(job, value);
  }

  private static String name(Enum<?> value) {
    return value.name();
  }

  private static ErrorView error(BackgroundCopyJob job) {
    return job.error()
        .map(e -> ErrorView.of(e, job.files()))
        .orElseThrow(() ->
            new FerryException(
                HResult.BG_E_ERROR_INFORMATION_UNAVAILABLE,
                "job " + job.id() + " is " + job.state() + ": it has no error"));
  }

  private static String errorText(BackgroundCopyJob job, Object value) {
    StringWriter text = new StringWriter();
    try (PrintWriter out = new PrintWriter(text)) {
      Views.printError(out, (ErrorView) value, Views.files(job));
    }
    return text.toString().stripTrailing();
  }
}
