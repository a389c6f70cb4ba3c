package dev.ferry.cli;

import dev.ferry.client.FerryClient;
import dev.ferry.daemon.api.PolicyEndpoints;
import dev.ferry.engine.Engine;
import dev.ferry.engine.EngineConfig;
import dev.ferry.rest.Json;
import dev.ferry.rest.PolicyView;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code policy}: shows the bandwidth policy and the machine's cache hosts, or changes parts of
 * them. Bandwidth changes take effect at once, for running transfers too, and are stored with the
 * queue; cache hosts apply to the files that start from then on and are stored in the data
 * directory's cache-hosts.json.
 */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = {
      "Show or change the bandwidth policy. RATE is bytes per second with an optional K, M or G"
          + " (powers of 1024), or 'unlimited'.",
      "A window replaces the background cap on some days and hours: DAYS@FROM-TO=RATE, for"
          + " example mon-fri@08:00-17:00=1M or '*@22:00-06:00=0'; a rate of 0 blocks background"
          + " jobs (BG_E_BLOCKED_BY_POLICY) until the window ends.",
      "Cache hosts (DO's DOCacheHost) are asked before the origin; the fallback delays say how"
          + " long their failures keep a job from its origin (DO's"
          + " DODelayCacheServerFallbackForeground/Background). ferryd's --cache-host options,"
          + " where given, win over these at its next start."
    })
final class PolicyCommand implements Callable<Integer> {
  private static final Pattern WINDOW =
      Pattern.compile(
          "([a-z*,\\-]+)@(\\d{1,2}:\\d{2})-(\\d{1,2}:\\d{2})=(\\S+)", Pattern.CASE_INSENSITIVE);
  private static final List<String> DAYS =
      List.of("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY");

  @ParentCommand FerryCommand ferry;
  @Spec picocli.CommandLine.Model.CommandSpec spec;
  @Mixin Verb.JsonOption jsonOption;

  @Option(
      names = "--global",
      paramLabel = "RATE",
      converter = Rate.class,
      description = "cap for all transfers together")
  Long global;

  @Option(
      names = "--foreground",
      paramLabel = "RATE",
      converter = Rate.class,
      description = "cap for FOREGROUND jobs")
  Long foreground;

  @Option(
      names = "--background",
      paramLabel = "RATE",
      converter = Rate.class,
      description = "cap for HIGH, NORMAL and LOW jobs")
  Long background;

  @Option(
      names = "--background-while-foreground",
      paramLabel = "RATE",
      converter = Rate.class,
      description = "what background jobs fall to while a foreground job transfers")
  Long backgroundWhileForeground;

  @Option(
      names = "--window",
      paramLabel = "DAYS@FROM-TO=RATE",
      converter = WindowConverter.class,
      description = "add a time window")
  List<PolicyView.Window> windows = new ArrayList<>();

  @Option(names = "--clear-windows", description = "remove every time window first")
  boolean clearWindows;

  @Option(
      names = "--cache-host",
      paramLabel = "HOST[:PORT]",
      converter = CacheHostList.class,
      description =
          "the machine's cache servers, tried in order before the origin (repeatable, or"
              + " separated by commas; replaces the list)")
  List<String> cacheHosts = new ArrayList<>();

  @Option(names = "--no-cache-host", description = "ask no cache server")
  boolean noCacheHost;

  @Option(
      names = "--cache-fallback-foreground",
      paramLabel = "SECONDS",
      converter = FallbackDelay.class,
      description =
          "how long failing cache hosts keep a FOREGROUND job from its origin: seconds, -1 never,"
              + " 'unset' at the first failure")
  Long fallbackForeground;

  @Option(
      names = "--cache-fallback-background",
      paramLabel = "SECONDS",
      converter = FallbackDelay.class,
      description = "the same for every other job")
  Long fallbackBackground;

  @Override
  public Integer call() throws Exception {
    Session.Choice choice = Session.choose(ferry.socket, ferry.dataDir, ferry.noDaemon);
    boolean change =
        global != null
            || foreground != null
            || background != null
            || backgroundWhileForeground != null
            || !windows.isEmpty()
            || clearWindows
            || cacheChange();
    PolicyView shown;
    if (choice.daemon()) {
      PolicyView current = FerryClient.policy(choice.socket());
      shown = change ? FerryClient.setPolicy(choice.socket(), changed(current)) : current;
    } else {
      try (Engine engine = dev.ferry.engine.Ferry.open(choice.dataDir(), EngineConfig.defaults())) {
        if (change) {
          PolicyEndpoints.apply(engine, changed(PolicyEndpoints.view(engine)));
        }
        shown = PolicyEndpoints.view(engine);
      }
    }
    print(shown, spec.commandLine().getOut());
    return ExitCodes.OK;
  }

  private PolicyView changed(PolicyView current) {
    List<PolicyView.Window> newWindows =
        new ArrayList<>(clearWindows ? List.of() : current.windows());
    newWindows.addAll(windows);
    return new PolicyView(
        global != null ? global : current.global(),
        foreground != null ? foreground : current.foreground(),
        background != null ? background : current.background(),
        backgroundWhileForeground != null
            ? backgroundWhileForeground
            : current.backgroundWhileForeground(),
        newWindows,
        cacheChange() ? changedCache(current.cache()) : null);
  }

  private boolean cacheChange() {
    return !cacheHosts.isEmpty()
        || noCacheHost
        || fallbackForeground != null
        || fallbackBackground != null;
  }

  private PolicyView.Cache changedCache(PolicyView.Cache current) {
    PolicyView.Cache was = current != null ? current : new PolicyView.Cache(List.of(), null, null);
    List<String> hosts = noCacheHost ? List.of() : cacheHosts.isEmpty() ? was.hosts() : cacheHosts;
    return new PolicyView.Cache(
        hosts,
        fallbackForeground == null
            ? was.fallbackForeground()
            : fallbackForeground == FallbackDelay.UNSET ? null : fallbackForeground,
        fallbackBackground == null
            ? was.fallbackBackground()
            : fallbackBackground == FallbackDelay.UNSET ? null : fallbackBackground);
  }

  /** A --cache-host argument: one host or several separated by commas, checked as DO reads them. */
  static final class CacheHostList implements CommandLine.ITypeConverter<String> {
    @Override
    public String convert(String text) {
      try {
        List<String> hosts = dev.ferry.api.ArgumentRules.cacheHosts(text);
        if (hosts.isEmpty()) {
          throw new CommandLine.TypeConversionException(
              "no cache host in '" + text + "' (--no-cache-host asks none)");
        }
        return String.join(",", hosts);
      } catch (dev.ferry.api.FerryException e) {
        throw new CommandLine.TypeConversionException(
            "'" + text + "' is not a cache host: a host name or address, optionally :PORT");
      }
    }
  }

  /**
   * A fallback delay: seconds, -1 (never) or 'unset' ({@link #UNSET}); anything else is a wrong
   * command line (exit 2).
   */
  static final class FallbackDelay implements CommandLine.ITypeConverter<Long> {
    /** 'unset', which no number of seconds can be. */
    static final long UNSET = Long.MIN_VALUE;

    @Override
    public Long convert(String text) {
      String t = text.trim();
      if (t.equalsIgnoreCase("unset")) {
        return UNSET;
      }
      try {
        long seconds = Long.parseLong(t);
        if (seconds >= -1) {
          return seconds == 0 ? UNSET : seconds;
        }
      } catch (NumberFormatException e) {
        // Told below, with the other wrong values.
      }
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a fallback delay (seconds, -1 for never, or unset)");
    }
  }

  /**
   * A RATE argument; a malformed one is a wrong command line (exit 2), found before any engine is
   * opened.
   */
  static final class Rate implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String text) {
      return rate(text);
    }
  }

  /** A --window argument, checked as {@link Rate} is. */
  static final class WindowConverter implements CommandLine.ITypeConverter<PolicyView.Window> {
    @Override
    public PolicyView.Window convert(String text) {
      return window(text);
    }
  }

  /** Bytes per second: a number with an optional K/M/G suffix, or "unlimited" (-1). */
  static long rate(String text) {
    String t = text.trim().toUpperCase(Locale.ROOT);
    if (t.equals("UNLIMITED") || t.equals("-1")) {
      return -1;
    }
    long unit = 1;
    if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
      unit =
          switch (t.charAt(t.length() - 1)) {
            case 'K' -> 1L << 10;
            case 'M' -> 1L << 20;
            default -> 1L << 30;
          };
      t = t.substring(0, t.length() - 1);
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(t), unit);
      if (value < 0) {
        throw new NumberFormatException();
      }
      return value;
    } catch (NumberFormatException | ArithmeticException e) {
      throw new CommandLine.TypeConversionException(
          "'" + text + "' is not a rate (bytes per second, K, M or G, or unlimited)");
    }
  }

  static PolicyView.Window window(String text) {
    Matcher m = WINDOW.matcher(text.trim());
    if (!m.matches()) {
      throw new CommandLine.TypeConversionException(
          "a window is DAYS@FROM-TO=RATE, such as mon-fri@08:00-17:00=1M, not '" + text + "'");
    }
    long cap = rate(m.group(4));
    if (cap < 0) {
      throw new CommandLine.TypeConversionException(
          "a window needs a cap (0 blocks background jobs)");
    }
    return new PolicyView.Window(
        days(m.group(1)), time(m.group(2), text), time(m.group(3), text), cap);
  }

  /** HH:MM of a day, 00:00 to 23:59. */
  private static String time(String time, String window) {
    String padded = time.length() == 4 ? "0" + time : time;
    int hours = Integer.parseInt(padded.substring(0, 2));
    int minutes = Integer.parseInt(padded.substring(3));
    if (hours > 23 || minutes > 59) {
      throw new CommandLine.TypeConversionException(
          "'" + time + "' in '" + window + "' is not a time of day (00:00 to 23:59)");
    }
    return padded;
  }

  private static List<String> days(String spec) {
    if (spec.equals("*")) {
      return List.of();
    }
    List<String> days = new ArrayList<>();
    for (String part : spec.toUpperCase(Locale.ROOT).split(",")) {
      int dash = part.indexOf('-');
      int from = day(dash < 0 ? part : part.substring(0, dash));
      int to = dash < 0 ? from : day(part.substring(dash + 1));
      for (int d = from; ; d = (d + 1) % 7) {
        if (!days.contains(DAYS.get(d))) {
          days.add(DAYS.get(d));
        }
        if (d == to) {
          break;
        }
      }
    }
    return days;
  }

  private static int day(String prefix) {
    for (int i = 0; i < DAYS.size(); i++) {
      if (prefix.length() >= 2 && DAYS.get(i).startsWith(prefix)) {
        return i;
      }
    }
    throw new CommandLine.TypeConversionException(
        "'" + prefix + "' is not a day (mon, tue… sun, or *)");
  }

  private void print(PolicyView policy, PrintWriter out) throws Exception {
    if (jsonOption.json || ferry.json) {
      out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(policy));
      return;
    }
    out.println("global:                      " + show(policy.global()));
    out.println("foreground:                  " + show(policy.foreground()));
    out.println("background:                  " + show(policy.background()));
    out.println("background while foreground: " + show(policy.backgroundWhileForeground()));
    if (policy.windows().isEmpty()) {
      out.println("windows:                     none");
    }
    for (PolicyView.Window w : policy.windows()) {
      String days =
          w.days().isEmpty() || w.days().size() == 7 ? "every day" : String.join(",", w.days());
      out.println(
          "window:                      "
              + days
              + " "
              + w.from()
              + "-"
              + w.to()
              + " background "
              + (w.background() == 0 ? "blocked" : show(w.background())));
    }
    PolicyView.Cache cache = policy.cache();
    if (cache != null) {
      out.println(
          "cache hosts:                 "
              + (cache.hosts().isEmpty() ? "none" : String.join(",", cache.hosts())));
      out.println("cache fallback foreground:   " + delay(cache.fallbackForeground()));
      out.println("cache fallback background:   " + delay(cache.fallbackBackground()));
      for (PolicyView.Ban ban : cache.bans()) {
        out.println(
            "cache host left out:         "
                + ban.cacheHost()
                + (ban.originHost() == null ? "" : " for " + ban.originHost())
                + " until "
                + ban.until()
                + ": "
                + ban.reason());
      }
    }
  }

  private static String delay(Long seconds) {
    if (seconds == null) {
      return "at the first failure";
    }
    return seconds == -1 ? "never" : "after " + seconds + " s";
  }

  private static String show(long rate) {
    if (rate < 0) {
      return "unlimited";
    }
    if (rate >= 1L << 20 && rate % (1L << 20) == 0) {
      return (rate >> 20) + " MiB/s";
    }
    if (rate >= 1L << 10 && rate % (1L << 10) == 0) {
      return (rate >> 10) + " KiB/s";
    }
    return rate + " B/s";
  }
}
