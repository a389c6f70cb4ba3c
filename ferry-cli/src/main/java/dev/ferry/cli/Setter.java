package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPriority;
import dev.ferry.api.JobPropertyId;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import dev.ferry.rest.PropertyValue;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine;

/**
 * bitsadmin's setters as data: each is its verb, its description, the arguments after JOB and what
 * it does with them. {@link SetterCommand} turns one into a verb. As in bitsadmin, the word NULL
 * clears a value (the notify command line, the proxy lists, the custom headers).
 */
enum Setter {
  PRIORITY(
      "setpriority",
      "Set the job's priority: FOREGROUND, HIGH, NORMAL or LOW.",
      List.of(Param.of("PRIORITY", JobPriority.class, "${COMPLETION-CANDIDATES}")),
      (job, args) -> {
        JobPriority priority = args.get(0);
        job.setPriority(priority);
        return "Priority of job " + job.id() + " set to " + priority + ".";
      }),
  NOTIFY_FLAGS(
      "setnotifyflags",
      "Set the notify flags: 1 transferred, 2 error, 3 both, 4 disable, 8 modification.",
      List.of(
          Param.of("FLAGS", Integer.class, "a mask of the BG_NOTIFY flags, decimal or 0x…")
              .convertedBy(new Numbers.Int())),
      (job, args) -> {
        int flags = args.<Integer>get(0);
        job.setNotifyFlags(NotifyFlag.fromMask(flags));
        return "Notify flags of job " + job.id() + " set to " + Texts.notifyFlags(flags) + ".";
      }),
  NOTIFY_CMD_LINE(
      "setnotifycmdline",
      new String[] {
        "Set the program run when the job is transferred or fails (NULL clears it).",
        "It runs with the job's id and state in FERRY_JOB_ID and FERRY_JOB_STATE."
      },
      List.of(
          Param.of("PROGRAM", String.class, "an absolute path, or NULL"),
          Param.of(
                  "PARAMETERS",
                  String.class,
                  "its arguments as one string, split like a shell would")
              .orAbsent()),
      (job, args) -> {
        String program = orNull(args.get(0));
        if (program == null) {
          job.setNotifyCmdLine(null);
          return "Notify command line of job " + job.id() + " cleared.";
        }
        job.setNotifyCmdLine(new NotifyCmdLine(program, orNull(args.get(1))));
        return "Notify command line of job " + job.id() + " set.";
      }),
  MIN_RETRY_DELAY(
      "setminretrydelay",
      "Set how long the job waits after a transient error before it retries.",
      List.of(Param.of("SECONDS", Long.class, "").convertedBy(new Numbers.Seconds())),
      (job, args) -> {
        job.setMinimumRetryDelay(Duration.ofSeconds(args.<Long>get(0)));
        return "Minimum retry delay of job "
            + job.id()
            + " set to "
            + job.minimumRetryDelay().toSeconds()
            + " s.";
      }),
  NO_PROGRESS_TIMEOUT(
      "setnoprogresstimeout",
      "Set how long the job retries without progress before an error becomes fatal.",
      List.of(Param.of("SECONDS", Long.class, "").convertedBy(new Numbers.Seconds())),
      (job, args) -> {
        long seconds = args.get(0);
        job.setNoProgressTimeout(Duration.ofSeconds(seconds));
        return "No-progress timeout of job " + job.id() + " set to " + seconds + " s.";
      }),
  PROXY_SETTINGS(
      "setproxysettings",
      "Set how the job reaches the network: PRECONFIG, NO_PROXY, OVERRIDE or AUTODETECT.",
      List.of(
          Param.of("USAGE", ProxyUsage.class, "${COMPLETION-CANDIDATES}"),
          Param.of(
                  "PROXYLIST",
                  String.class,
                  "OVERRIDE only: space-separated [protocol=]host[:port] entries")
              .orAbsent(),
          Param.of(
                  "BYPASSLIST",
                  String.class,
                  "OVERRIDE only: hosts to reach directly (<local>, *.example.org), or NULL")
              .orAbsent()),
      (job, args) -> {
        ProxyUsage usage = args.get(0);
        job.setProxySettings(new ProxySettings(usage, orNull(args.get(1)), orNull(args.get(2))));
        return "Proxy settings of job " + job.id() + " set to " + usage + ".";
      }),
  CUSTOM_HEADERS(
      "setcustomheaders",
      "Set the HTTP headers sent with every request of the job (NULL clears them).",
      List.of(
          Param.of("HEADER", String.class, "'Name: value', one argument per header; or NULL")
              .repeated()),
      (job, args) -> {
        List<String> headers = args.get(0);
        if (headers.size() == 1 && orNull(headers.get(0)) == null) {
          job.setCustomHeaders(null);
          return "Custom headers of job " + job.id() + " cleared.";
        }
        job.setCustomHeaders(String.join("\r\n", headers));
        return headers.size() + " custom header(s) set on job " + job.id() + ".";
      }),
  DISPLAY_NAME(
      "setdisplayname",
      "Rename the job.",
      List.of(Param.of("NAME", String.class, "")),
      (job, args) -> {
        String name = args.get(0);
        job.setDisplayName(name);
        return "Display name of job " + job.id() + " set to '" + name + "'.";
      }),
  DESCRIPTION(
      "setdescription",
      "Set the job's description.",
      List.of(Param.of("TEXT", String.class, "")),
      (job, args) -> {
        job.setDescription(args.get(0));
        return "Description of job " + job.id() + " set.";
      }),
  PROPERTY(
      "setproperty",
      "Set a Job5 property (BITS_JOB_PROPERTY_ID).",
      List.of(
          Param.of("ID", JobPropertyId.class, PropertyCommands.IDS)
              .convertedBy(new PropertyCommands.Id()),
          Param.of("TYPE", String.class, "DWORD, CLSID, ENABLE, UINT64, TARGET or STRING"),
          Param.of(
              "VALUE",
              String.class,
              "a number (decimal or 0x…), a UUID, true/false, SERVER/PROXY, or text")),
      (job, args) -> {
        JobPropertyId id = args.get(0);
        String kind = args.<String>get(1).toUpperCase(Locale.ROOT);
        String text = args.<String>get(2).strip();
        if ((kind.equals("DWORD") || kind.equals("UINT64"))
            && text.toLowerCase(Locale.ROOT).startsWith("0x")) {
          text = Long.toUnsignedString(Numbers.parse(text));
        } else if (kind.equals("ENABLE") || kind.equals("TARGET")) {
          text =
              kind.equals("ENABLE") ? text.toLowerCase(Locale.ROOT) : text.toUpperCase(Locale.ROOT);
        }
        job.setProperty(id, new PropertyValue(kind, text).toJobPropertyValue());
        return "Property " + id + " of job " + job.id() + " set to " + text + ".";
      });

  final String verb;
  final String[] description;
  final List<Param> params;
  private final Action action;

  Setter(String verb, String description, List<Param> params, Action action) {
    this(verb, new String[] {description}, params, action);
  }

  Setter(String verb, String[] description, List<Param> params, Action action) {
    this.verb = verb;
    this.description = description;
    this.params = params;
    this.action = action;
  }

  /** Sets the value on {@code job}; what to print. */
  String apply(BackgroundCopyJob job, Args args) {
    return action.apply(job, args);
  }

  static String orNull(String value) {
    return value == null || value.equalsIgnoreCase(Texts.NULL) ? null : value;
  }

  @FunctionalInterface
  interface Action {
    String apply(BackgroundCopyJob job, Args args);
  }

  /** The converted arguments after JOB, in order; an absent optional one is null. */
  record Args(List<Object> values) {
    @SuppressWarnings("unchecked")
    <T> T get(int index) {
      return (T) values.get(index);
    }
  }

  /**
   * One argument after JOB: its label in the help, its type, what it means, whether it may be left
   * out or repeated, and the converter when picocli's own for the type is not the one wanted.
   */
  record Param(
      String label,
      Class<?> type,
      String description,
      boolean optional,
      boolean many,
      CommandLine.ITypeConverter<?> converter) {
    static Param of(String label, Class<?> type, String description) {
      return new Param(label, type, description, false, false, null);
    }

    Param orAbsent() {
      return new Param(label, type, description, true, many, converter);
    }

    Param repeated() {
      return new Param(label, type, description, optional, true, converter);
    }

    Param convertedBy(CommandLine.ITypeConverter<?> converter) {
      return new Param(label, type, description, optional, many, converter);
    }
  }
}
