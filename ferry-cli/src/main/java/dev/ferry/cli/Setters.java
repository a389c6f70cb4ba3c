package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPriority;
import dev.ferry.api.NotifyCmdLine;
import dev.ferry.api.NotifyFlag;
import dev.ferry.api.ProxySettings;
import dev.ferry.api.ProxyUsage;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * bitsadmin's setters, one small verb each. As in bitsadmin, the word NULL clears a value (the
 * notify command line, the proxy lists, the custom headers).
 */
final class Setters {
  private Setters() {}

  static String orNull(String value) {
    return value == null || value.equalsIgnoreCase(Texts.NULL) ? null : value;
  }

  @Command(
      name = "setpriority",
      mixinStandardHelpOptions = true,
      description = "Set the job's priority: FOREGROUND, HIGH, NORMAL or LOW.")
  static final class SetPriority extends JobVerb {
    @Parameters(index = "1", paramLabel = "PRIORITY", description = "${COMPLETION-CANDIDATES}")
    JobPriority priority;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setPriority(priority);
      out().println("Priority of job " + job.id() + " set to " + priority + ".");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setnotifyflags",
      mixinStandardHelpOptions = true,
      description =
          "Set the notify flags: 1 transferred, 2 error, 3 both, 4 disable, 8 modification.")
  static final class SetNotifyFlags extends JobVerb {
    @Parameters(
        index = "1",
        paramLabel = "FLAGS",
        converter = Numbers.Int.class,
        description = "a mask of the BG_NOTIFY flags, decimal or 0x…")
    int flags;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setNotifyFlags(NotifyFlag.fromMask(flags));
      out()
          .println("Notify flags of job " + job.id() + " set to " + Texts.notifyFlags(flags) + ".");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setnotifycmdline",
      mixinStandardHelpOptions = true,
      description = {
        "Set the program run when the job is transferred or fails (NULL clears it).",
        "It runs with the job's id and state in FERRY_JOB_ID and FERRY_JOB_STATE."
      })
  static final class SetNotifyCmdLine extends JobVerb {
    @Parameters(index = "1", paramLabel = "PROGRAM", description = "an absolute path, or NULL")
    String program;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "PARAMETERS",
        description = "its arguments as one string, split like a shell would")
    String parameters;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      if (orNull(program) == null) {
        job.setNotifyCmdLine(null);
        out().println("Notify command line of job " + job.id() + " cleared.");
      } else {
        job.setNotifyCmdLine(new NotifyCmdLine(program, orNull(parameters)));
        out().println("Notify command line of job " + job.id() + " set.");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setminretrydelay",
      mixinStandardHelpOptions = true,
      description = "Set how long the job waits after a transient error before it retries.")
  static final class SetMinRetryDelay extends JobVerb {
    @Parameters(index = "1", paramLabel = "SECONDS", converter = Numbers.Seconds.class)
    long seconds;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setMinimumRetryDelay(Duration.ofSeconds(seconds));
      out()
          .println(
              "Minimum retry delay of job "
                  + job.id()
                  + " set to "
                  + job.minimumRetryDelay().toSeconds()
                  + " s.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setnoprogresstimeout",
      mixinStandardHelpOptions = true,
      description = "Set how long the job retries without progress before an error becomes fatal.")
  static final class SetNoProgressTimeout extends JobVerb {
    @Parameters(index = "1", paramLabel = "SECONDS", converter = Numbers.Seconds.class)
    long seconds;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setNoProgressTimeout(Duration.ofSeconds(seconds));
      out().println("No-progress timeout of job " + job.id() + " set to " + seconds + " s.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setproxysettings",
      mixinStandardHelpOptions = true,
      description =
          "Set how the job reaches the network: PRECONFIG, NO_PROXY, OVERRIDE or AUTODETECT.")
  static final class SetProxySettings extends JobVerb {
    @Parameters(index = "1", paramLabel = "USAGE", description = "${COMPLETION-CANDIDATES}")
    ProxyUsage usage;

    @Parameters(
        index = "2",
        arity = "0..1",
        paramLabel = "PROXYLIST",
        description = "OVERRIDE only: space-separated [protocol=]host[:port] entries")
    String proxyList;

    @Parameters(
        index = "3",
        arity = "0..1",
        paramLabel = "BYPASSLIST",
        description = "OVERRIDE only: hosts to reach directly (<local>, *.example.org), or NULL")
    String bypassList;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setProxySettings(new ProxySettings(usage, orNull(proxyList), orNull(bypassList)));
      out().println("Proxy settings of job " + job.id() + " set to " + usage + ".");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setcustomheaders",
      mixinStandardHelpOptions = true,
      description = "Set the HTTP headers sent with every request of the job (NULL clears them).")
  static final class SetCustomHeaders extends JobVerb {
    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "HEADER",
        description = "'Name: value', one argument per header; or NULL")
    List<String> headers;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      if (headers.size() == 1 && orNull(headers.get(0)) == null) {
        job.setCustomHeaders(null);
        out().println("Custom headers of job " + job.id() + " cleared.");
      } else {
        job.setCustomHeaders(String.join("\r\n", headers));
        out().println(headers.size() + " custom header(s) set on job " + job.id() + ".");
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setdisplayname",
      mixinStandardHelpOptions = true,
      description = "Rename the job.")
  static final class SetDisplayName extends JobVerb {
    @Parameters(index = "1", paramLabel = "NAME")
    String name;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setDisplayName(name);
      out().println("Display name of job " + job.id() + " set to '" + name + "'.");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "setdescription",
      mixinStandardHelpOptions = true,
      description = "Set the job's description.")
  static final class SetDescription extends JobVerb {
    @Parameters(index = "1", paramLabel = "TEXT")
    String text;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      job.setDescription(text);
      out().println("Description of job " + job.id() + " set.");
      return ExitCodes.OK;
    }
  }
}
