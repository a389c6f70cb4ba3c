package dev.ferry.daemon;

import dev.ferry.cache.CacheSettings;
import dev.ferry.daemon.doagent.DoAgentOptions;
import dev.ferry.daemon.logging.LogLevels;
import dev.ferry.engine.Ferry;
import dev.ferry.swarm.cache.CachePolicy;
import dev.ferry.swarm.discovery.PeerRestriction;
import dev.ferry.swarm.source.PeerDiscovery;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * How ferryd runs. Built from the command line by {@link #parse(String...)}, or directly by tests
 * and by {@code ferry daemon}.
 *
 * @param socket the Unix socket the API is served on
 * @param dataDir the engine's data directory
 * @param system system mode: every local user may connect (socket 0666), root administers
 * @param tcpPort the optional 127.0.0.1 listener (0 picks a free port); empty for none
 * @param tokenFile where the TCP bearer token is written (0600)
 * @param readTimeout the engine's read timeout, empty for the engine default
 * @param socketMode the socket file's permissions, when not the mode's default (tests only)
 * @param doAgent the DO agent listener (Microsoft's agent protocol on 127.0.0.1), when enabled
 * @param cacheHosts the machine's cache servers and fallback delays ({@code --cache-host}, {@code
 *     --cache-fallback-foreground}, {@code --cache-fallback-background}); when none is given and
 *     the DO agent runs, its admin-config.json's DOCacheHost and delays apply
 * @param logLevel the starting level of Ferry's loggers ({@code --log-level}), checked to be a
 *     level's name; empty for FERRY_LOG_LEVEL's, else logback.xml's
 * @param peerPort where ferryd listens for peers ({@code --peer-port}): empty for DO's 7680, or any
 *     free port while that is taken; 0 any free port; {@link #PEERS_OFF} for no swarm at all
 * @param peerUploadRate the most bytes per second sent to peers in all ({@code
 *     --peer-upload-rate}), 0 for no cap
 * @param monthlyUploadCap the most bytes sent to peers in a calendar month ({@code
 *     --monthly-upload-cap}, DO's DOMonthlyUploadDataCap), 0 for none
 * @param peerDiscovery how peers are found and the DownloadMode of downloads that set none ({@code
 *     --download-mode}, {@code --group-id}, {@code --tracker}, {@code --peer-selection}, {@code
 *     --no-local-discovery}); DO's defaults: LAN, peers of this machine's subnets
 */
public record DaemonOptions(
    Path socket,
    Path dataDir,
    boolean system,
    OptionalInt tcpPort,
    Path tokenFile,
    Optional<Duration> readTimeout,
    Optional<String> socketMode,
    Optional<DoAgentOptions> doAgent,
    CacheSettings cacheHosts,
    Optional<String> logLevel,
    OptionalInt peerPort,
    long peerUploadRate,
    long monthlyUploadCap,
    PeerDiscovery peerDiscovery,
    Optional<CachePolicy> peerCache,
    MachineConfig machine) {

  /** {@link #peerPort} when ferryd takes part in no swarm. */
  public static final int PEERS_OFF = -1;

  /** DO's port for peers, ferryd's by default. */
  public static final int DEFAULT_PEER_PORT = 7680;

  public static final Path SYSTEM_SOCKET = Path.of("/run/ferry/ferryd.sock");
  public static final Path SYSTEM_DATA_DIR = Path.of("/var/lib/ferry");

  public static final String USAGE =
      """
      Usage: ferry daemon [--system] [--socket PATH] [--data-dir DIR] [--tcp PORT]
                          [--token-file FILE] [--read-timeout-seconds N] [--socket-mode MODE]
                          [--do-agent] [--do-agent-dir DIR] [--do-agent-user USER]
                          [--do-agent-config-dir DIR] [--cache-host HOST[,HOST]]...
                          [--cache-fallback-foreground S] [--cache-fallback-background S]
                          [--cache-host-source dhcp|dhcp-force]
                          [--log-level LEVEL] [--peer-port PORT|off]
                          [--peer-upload-rate RATE] [--monthly-upload-cap BYTES]
                          [--download-mode MODE] [--group-id GUID] [--tracker URL]...
                          [--peer-selection subnet|any] [--no-local-discovery]
                          [--max-cache-size PERCENT] [--absolute-max-cache-size BYTES]
                          [--max-cache-age SECONDS] [--min-file-size-to-cache BYTES]
                          [--no-peer-cache] [--config FILE]

      Runs ferryd in the foreground: the transfer engine and its local REST API.
        --system                 system mode: socket /run/ferry/ferryd.sock (every local user may
                                 connect; root administers), data in /var/lib/ferry
        --socket PATH            the Unix socket (default $XDG_RUNTIME_DIR/ferry/ferryd.sock)
        --data-dir DIR           the data directory (default $XDG_DATA_HOME/ferry)
        --tcp PORT               also listen on 127.0.0.1:PORT, with a bearer token (0: any port)
        --token-file FILE        where the token is written (default DATA-DIR/token)
        --read-timeout-seconds N how long a transfer waits for data before it counts as stalled
        --socket-mode MODE       the socket file's octal mode (default 0600, 0666 with --system)
        --do-agent               also serve Microsoft's DO agent protocol on 127.0.0.1 (for
                                 programs built on the DO C++ SDK); port in DIR/restport.<pid>
        --do-agent-dir DIR       the agent's run directory (default: as root
                                 /var/run/deliveryoptimization-agent, else
                                 $XDG_RUNTIME_DIR/ferry/do-agent); implies --do-agent
        --do-agent-user USER     the user, not root, whose rights the agent's downloads run
                                 with (default: the daemon's user, whose programs alone may
                                 then use the agent; required as root); implies --do-agent
        --do-agent-config-dir DIR
                                 where the agent's admin-config.json and sdk-config.json are
                                 (default /etc/deliveryoptimization-agent, which a root daemon
                                 creates); implies --do-agent
        --cache-host HOST[,HOST] the machine's cache servers (DO's DOCacheHost: host names or
                                 addresses, optionally :PORT), asked in order before the origin;
                                 repeatable. Without it, the DO agent's admin-config.json
                                 DOCacheHost applies when --do-agent is on
        --cache-fallback-foreground S, --cache-fallback-background S
                                 how long failing cache hosts keep FOREGROUND / other jobs from
                                 the origin, in seconds (-1: never; default: at the first failure)
        --cache-host-source dhcp|dhcp-force
                                 also take cache hosts from the DHCP lease's option 235 (DO's
                                 DOCacheHostSource), read at start: dhcp where no --cache-host is
                                 given, dhcp-force in place of them
        --log-level LEVEL        the starting level of Ferry's log lines: TRACE, DEBUG, INFO
                                 (default), WARN, ERROR or OFF; FERRY_LOG_LEVEL sets it too, and
                                 `ferry log-level` changes it while the daemon runs
        --peer-port PORT|off     where peers connect to fetch what ferryd offers (files being
                                 downloaded with a content description, and `ferry do seed`s);
                                 default DO's 7680, else any free port while that is taken; 0
                                 any free port; off: no peers at all
        --peer-upload-rate RATE  the most bytes per second sent to peers in all (K, M or G
                                 suffix; default: no cap of its own)
        --monthly-upload-cap BYTES
                                 the most bytes sent to peers in a calendar month (DO's
                                 DOMonthlyUploadDataCap; K, M or G suffix; default: none); once
                                 reached, peers are served no more until the month ends
        --download-mode MODE     how downloads that set no DownloadMode of their own find peers
                                 (DO's DODownloadMode): http (none), lan (default: the local
                                 network, BEP 14, and the trackers), group (the trackers and the
                                 local network, among machines of --group-id), internet (any
                                 peer the trackers or the local network give), simple (none)
        --group-id GUID          the machine's Group ID (DO's DOGroupID) for group mode: a scope,
                                 not a credential; whoever knows it and the content can join
        --tracker URL            a BitTorrent tracker to announce to (http, https or udp;
                                 repeatable)
        --peer-selection subnet|any
                                 which peers lan mode takes (DO's DORestrictPeerSelectionBy):
                                 those of this machine's subnets (default) or any
        --no-local-discovery     no BEP 14 multicast: peers come from the trackers and the
                                 downloads' own lists only
        --max-cache-size PERCENT the share of the data directory's disk the content kept for
                                 peers may take (DO's DOMaxCacheSize, default 20)
        --absolute-max-cache-size BYTES
                                 a cap in bytes as well (DOAbsoluteMaxCacheSize; K, M or G;
                                 the smaller wins; default none)
        --max-cache-age SECONDS  how long a file is kept for peers (DOMaxCacheAge, default
                                 259200: 3 days; 0 for ever)
        --min-file-size-to-cache BYTES
                                 smaller completed downloads are not kept for peers
                                 (DOMinFileSizeToCache; K, M or G; default 50M)
        --no-peer-cache          keep nothing for peers once downloads complete
        --config FILE            the machine's Delivery Optimization settings (JSON, DO's policy
                                 names; 'ferry do config' shows and changes them); default
                                 /etc/ferry/ferryd.json with --system, else DATA-DIR/ferryd.json.
                                 The options above win over the file
        -h, --help               show this help
      SIGTERM stops the daemon cleanly: transfers are checkpointed and resume at the next start.
      """;

  public DaemonOptions {
    socket = socket.toAbsolutePath().normalize();
    dataDir = dataDir.toAbsolutePath().normalize();
    tokenFile = tokenFile.toAbsolutePath().normalize();
    socketMode.ifPresent(DaemonOptions::permissions);
    doAgent = doAgent == null ? Optional.empty() : doAgent;
    cacheHosts = cacheHosts == null ? CacheSettings.NONE : cacheHosts;
    logLevel = logLevel == null ? Optional.empty() : logLevel;
    peerPort = peerPort == null ? OptionalInt.empty() : peerPort;
    peerDiscovery = peerDiscovery == null ? PeerDiscovery.defaults() : peerDiscovery;
    peerCache = peerCache == null ? Optional.of(CachePolicy.DEFAULTS) : peerCache;
    machine = machine == null ? MachineConfig.NONE : machine;
  }

  /**
   * Options without the DO agent, cache hosts of the machine's own or a starting log level: the
   * {@code with} methods add them.
   */
  public DaemonOptions(
      Path socket,
      Path dataDir,
      boolean system,
      OptionalInt tcpPort,
      Path tokenFile,
      Optional<Duration> readTimeout,
      Optional<String> socketMode) {
    this(
        socket,
        dataDir,
        system,
        tcpPort,
        tokenFile,
        readTimeout,
        socketMode,
        Optional.empty(),
        CacheSettings.NONE,
        Optional.empty(),
        OptionalInt.empty(),
        0,
        0,
        PeerDiscovery.defaults(),
        Optional.of(CachePolicy.DEFAULTS),
        MachineConfig.NONE);
  }

  /** Per-user defaults: the socket under the runtime directory, data under XDG_DATA_HOME. */
  public static DaemonOptions userDefaults() {
    Path data = Ferry.defaultDataDir();
    return new DaemonOptions(
        defaultUserSocket(),
        data,
        false,
        OptionalInt.empty(),
        data.resolve("token"),
        Optional.empty(),
        Optional.empty());
  }

  /** {@code $XDG_RUNTIME_DIR/ferry/ferryd.sock}, else {@code /run/user/<uid>/ferry/ferryd.sock}. */
  public static Path defaultUserSocket() {
    String runtime = System.getenv("XDG_RUNTIME_DIR");
    Path base =
        runtime != null && !runtime.isBlank()
            ? Path.of(runtime)
            : Path.of("/run/user", Long.toString(Ferry.currentUser().uid()));
    return base.resolve("ferry").resolve("ferryd.sock");
  }

  public DaemonOptions withSocket(Path path) {
    return edit(e -> e.socket = path);
  }

  /** With {@code dir} as the data directory, and the token file in it. */
  public DaemonOptions withDataDir(Path dir) {
    return edit(e -> {
      e.dataDir = dir;
      e.tokenFile = dir.resolve("token");
    });
  }

  public DaemonOptions withTcp(int port) {
    return edit(e -> e.tcpPort = OptionalInt.of(port));
  }

  public DaemonOptions withReadTimeout(Duration timeout) {
    return edit(e -> e.readTimeout = Optional.of(timeout));
  }

  /** With the DO agent listener. */
  public DaemonOptions withDoAgent(DoAgentOptions agent) {
    return edit(e -> e.doAgent = Optional.of(agent));
  }

  /** With the machine's cache servers and delays. */
  public DaemonOptions withCacheHosts(CacheSettings settings) {
    return edit(e -> e.cacheHosts = settings);
  }

  /** With ferryd's port for peers ({@link #PEERS_OFF}: none). */
  public DaemonOptions withPeerPort(int port) {
    return edit(e -> e.peerPort = OptionalInt.of(port));
  }

  /** With the policies of the content kept for peers; empty for none. */
  public DaemonOptions withPeerCache(Optional<CachePolicy> policy) {
    return edit(e -> e.peerCache = policy);
  }

  /** With how peers are found. */
  public DaemonOptions withPeerDiscovery(PeerDiscovery discovery) {
    return edit(e -> e.peerDiscovery = discovery);
  }

  /** With the starting level of Ferry's loggers. */
  public DaemonOptions withLogLevel(String level) {
    return edit(e -> e.logLevel = Optional.of(level));
  }

  private DaemonOptions edit(java.util.function.Consumer<Editor> change) {
    Editor editor = new Editor(this);
    change.accept(editor);
    return editor.build();
  }

  /** A mutable copy, so each {@code with} method names only what it changes. */
  private static final class Editor {
    Path socket;
    Path dataDir;
    boolean system;
    OptionalInt tcpPort;
    Path tokenFile;
    Optional<Duration> readTimeout;
    Optional<String> socketMode;
    Optional<DoAgentOptions> doAgent;
    CacheSettings cacheHosts;
    Optional<String> logLevel;
    OptionalInt peerPort;
    long peerUploadRate;
    long monthlyUploadCap;
    PeerDiscovery peerDiscovery;
    Optional<CachePolicy> peerCache;
    MachineConfig machine;

    Editor(DaemonOptions o) {
      socket = o.socket;
      dataDir = o.dataDir;
      system = o.system;
      tcpPort = o.tcpPort;
      tokenFile = o.tokenFile;
      readTimeout = o.readTimeout;
      socketMode = o.socketMode;
      doAgent = o.doAgent;
      cacheHosts = o.cacheHosts;
      logLevel = o.logLevel;
      peerPort = o.peerPort;
      peerUploadRate = o.peerUploadRate;
      monthlyUploadCap = o.monthlyUploadCap;
      peerDiscovery = o.peerDiscovery;
      peerCache = o.peerCache;
      machine = o.machine;
    }

    DaemonOptions build() {
      return new DaemonOptions(
          socket,
          dataDir,
          system,
          tcpPort,
          tokenFile,
          readTimeout,
          socketMode,
          doAgent,
          cacheHosts,
          logLevel,
          peerPort,
          peerUploadRate,
          monthlyUploadCap,
          peerDiscovery,
          peerCache,
          machine);
    }
  }

  /** The socket file's permissions: the explicit mode, else 0666 in system mode, else 0600. */
  public String socketPermissions() {
    return permissions(socketMode.orElse(system ? "0666" : "0600"));
  }

  /** A usage error: the message is shown with the usage text and the exit code is 2. */
  public static final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UsageException(String message) {
      super(message);
    }
  }

  /** Thrown by {@link #parse} for {@code --help}. */
  public static final class HelpRequested extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HelpRequested() {
      super("help");
    }
  }

  /**
   * Parses the command line. Explicit {@code --socket}, {@code --data-dir} and {@code --token-file}
   * win over the defaults of the chosen mode, whatever the order of the options.
   */
  public static DaemonOptions parse(String... args) {
    Path socket = null;
    Path dataDir = null;
    Path tokenFile = null;
    boolean system = false;
    OptionalInt tcp = OptionalInt.empty();
    Optional<Duration> readTimeout = Optional.empty();
    Optional<String> socketMode = Optional.empty();
    boolean doAgent = false;
    Path doAgentDir = null;
    String doAgentUser = null;
    Path doAgentConfigDir = null;
    List<String> cacheHosts = new ArrayList<>();
    Long cacheForeground = null;
    Long cacheBackground = null;
    CacheSettings.Discovery discovery = CacheSettings.Discovery.NONE;
    Optional<String> logLevel = Optional.empty();
    OptionalInt peerPort = OptionalInt.empty();
    MachineConfig machine = machineConfig(args);
    long peerUploadRate = machine.uploadBytesPerSecond();
    long monthlyUploadCap = machine.monthlyUploadCap();
    PeerDiscovery peerDiscovery = machine.discovery();
    List<URI> trackers = new ArrayList<>();
    CachePolicy cachePolicy = machine.cachePolicy();
    boolean noPeerCache = false;
    List<String> rest = new ArrayList<>(List.of(args));
    while (!rest.isEmpty()) {
      String arg = rest.removeFirst();
      String name = arg;
      String inline = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0) {
        name = arg.substring(0, eq);
        inline = arg.substring(eq + 1);
      }
      switch (name) {
        case "-h", "--help" -> throw new HelpRequested();
        case "--system" -> system = true;
        case "--socket" -> socket = Path.of(value(name, inline, rest));
        case "--data-dir" -> dataDir = Path.of(value(name, inline, rest));
        case "--token-file" -> tokenFile = Path.of(value(name, inline, rest));
        case "--tcp" -> tcp = OptionalInt.of(port(value(name, inline, rest)));
        case "--read-timeout-seconds" ->
            readTimeout =
                Optional.of(Duration.ofSeconds(positive(name, value(name, inline, rest))));
        case "--socket-mode" -> {
          String mode = value(name, inline, rest);
          try {
            permissions(mode);
          } catch (IllegalArgumentException e) {
            throw new UsageException("--socket-mode: " + e.getMessage());
          }
          socketMode = Optional.of(mode);
        }
        case "--do-agent" -> doAgent = true;
        case "--do-agent-dir" -> {
          doAgent = true;
          doAgentDir = Path.of(value(name, inline, rest));
        }
        case "--do-agent-user" -> {
          doAgent = true;
          doAgentUser = value(name, inline, rest);
        }
        case "--do-agent-config-dir" -> {
          doAgent = true;
          doAgentConfigDir = Path.of(value(name, inline, rest));
        }
        case "--cache-host" -> cacheHosts.addAll(cacheHostList(value(name, inline, rest)));
        case "--cache-fallback-foreground" ->
            cacheForeground = delaySeconds(name, value(name, inline, rest));
        case "--cache-fallback-background" ->
            cacheBackground = delaySeconds(name, value(name, inline, rest));
        case "--cache-host-source" -> discovery = discovery(value(name, inline, rest));
        case "--log-level" -> logLevel = Optional.of(logLevel(value(name, inline, rest)));
        case "--peer-upload-rate" -> peerUploadRate = rate(name, value(name, inline, rest));
        case "--monthly-upload-cap" -> monthlyUploadCap = rate(name, value(name, inline, rest));
        case "--peer-port" -> {
          String value = value(name, inline, rest);
          peerPort =
              OptionalInt.of(
                  value.equalsIgnoreCase("off") ? PEERS_OFF : port("--peer-port", value));
        }
        case "--download-mode" ->
            peerDiscovery =
                peerDiscovery.withMode(
                    discovered(name, PeerDiscovery::mode, value(name, inline, rest)));
        case "--group-id" ->
            peerDiscovery =
                peerDiscovery.withGroup(
                    discovered(name, PeerDiscovery::group, value(name, inline, rest)));
        case "--tracker" ->
            trackers.add(discovered(name, PeerDiscovery::tracker, value(name, inline, rest)));
        case "--peer-selection" ->
            peerDiscovery = peerDiscovery.withRestriction(peerSelection(value(name, inline, rest)));
        case "--no-local-discovery" -> peerDiscovery = peerDiscovery.withLocalDiscovery(false);
        case "--max-cache-size" -> {
          String value = value(name, inline, rest);
          CachePolicy before = cachePolicy;
          cachePolicy =
              policy(name, () -> before.withMaxCacheSize(Integer.parseInt(value.strip())));
        }
        case "--absolute-max-cache-size" -> {
          long bytes = rate(name, value(name, inline, rest));
          CachePolicy before = cachePolicy;
          cachePolicy = policy(name, () -> before.withAbsoluteMaxCacheSize(bytes));
        }
        case "--max-cache-age" -> {
          String value = value(name, inline, rest);
          CachePolicy before = cachePolicy;
          cachePolicy =
              policy(name, () -> before.withMaxCacheAge(Duration.ofSeconds(Long.parseLong(value))));
        }
        case "--min-file-size-to-cache" -> {
          long bytes = rate(name, value(name, inline, rest));
          CachePolicy before = cachePolicy;
          cachePolicy = policy(name, () -> before.withMinFileSizeToCache(bytes));
        }
        case "--no-peer-cache" -> noPeerCache = true;
        case "--config" -> value(name, inline, rest);
        default -> throw new UsageException("unknown option " + arg);
      }
    }
    if (socket == null) {
      socket = system ? SYSTEM_SOCKET : defaultUserSocket();
    }
    if (dataDir == null) {
      dataDir = system ? SYSTEM_DATA_DIR : Ferry.defaultDataDir();
    }
    if (tokenFile == null) {
      tokenFile = dataDir.resolve("token");
    }
    if (socket.toAbsolutePath().toString().length() > 100) {
      throw new UsageException("the socket path is too long for a Unix socket: " + socket);
    }
    if (Files.isDirectory(socket)) {
      throw new UsageException("--socket names a directory: " + socket);
    }
    Optional<DoAgentOptions> agent = Optional.empty();
    if (doAgent) {
      var self = Ferry.currentUser();
      if ((system || self.isAdministrator()) && doAgentUser == null) {
        throw new UsageException(
            "--do-agent "
                + (system ? "with --system" : "as root")
                + " needs --do-agent-user USER: the agent's callers are anonymous, so its"
                + " downloads must run with the rights of a named user other than root");
      }
      if ("root".equals(doAgentUser) || "0".equals(doAgentUser)) {
        throw new UsageException(
            "--do-agent-user must not be root: the agent's callers are anonymous");
      }
      Path dir =
          doAgentDir != null
              ? doAgentDir
              : DoAgentOptions.defaultRunDir(self.isAdministrator(), self.uid());
      DoAgentOptions options = DoAgentOptions.of(dir).withUser(doAgentUser);
      agent =
          Optional.of(doAgentConfigDir == null ? options : options.withConfigDir(doAgentConfigDir));
    }
    return new DaemonOptions(
        socket,
        dataDir,
        system,
        tcp,
        tokenFile,
        readTimeout,
        socketMode,
        agent,
        new CacheSettings(cacheHosts, CacheSettings.UNSET, CacheSettings.UNSET, discovery)
            .withDelays(cacheForeground, cacheBackground),
        logLevel,
        peerPort,
        peerUploadRate,
        monthlyUploadCap,
        trackers.isEmpty() ? peerDiscovery : peerDiscovery.withTrackers(trackers),
        noPeerCache ? Optional.empty() : Optional.of(cachePolicy),
        machine);
  }

  /**
   * The machine's settings file for {@code args}: {@code --config FILE}, else the system daemon's
   * ({@link MachineConfig#SYSTEM_FILE}) with {@code --system}, else {@code ferryd.json} in the data
   * directory; {@link MachineConfig#NONE} when there is none.
   */
  static MachineConfig machineConfig(String... args) {
    Path file = configFile(args);
    try {
      return MachineConfig.load(file);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    } catch (java.io.IOException e) {
      throw new UsageException("cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The settings file {@code args} name or imply (see {@link #machineConfig}). */
  public static Path configFile(String... args) {
    String config = null;
    String dataDir = null;
    boolean system = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String next = i + 1 < args.length ? args[i + 1] : null;
      if (arg.equals("--system")) {
        system = true;
      } else if (arg.equals("--config") && next != null) {
        config = next;
      } else if (arg.startsWith("--config=")) {
        config = arg.substring("--config=".length());
      } else if (arg.equals("--data-dir") && next != null) {
        dataDir = next;
      } else if (arg.startsWith("--data-dir=")) {
        dataDir = arg.substring("--data-dir=".length());
      }
    }
    if (config != null) {
      return Path.of(config);
    }
    if (dataDir != null) {
      return Path.of(dataDir).resolve(MachineConfig.USER_FILE);
    }
    return system
        ? MachineConfig.SYSTEM_FILE
        : Ferry.defaultDataDir().resolve(MachineConfig.USER_FILE);
  }

  /** A cache policy, or a usage error naming {@code option} when its value is refused. */
  private static CachePolicy policy(String option, java.util.function.Supplier<CachePolicy> make) {
    try {
      return make.get();
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static <T> T discovered(String option, Function<String, T> parse, String text) {
    try {
      return parse.apply(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(option + ": " + e.getMessage());
    }
  }

  private static PeerRestriction peerSelection(String text) {
    return switch (text.strip().toLowerCase(java.util.Locale.ROOT)) {
      case "subnet", "1" -> PeerRestriction.SUBNET;
      case "any", "none", "0" -> PeerRestriction.NONE;
      default -> throw new UsageException("--peer-selection: '" + text + "' is not subnet or any");
    };
  }

  private static String logLevel(String text) {
    try {
      return LogLevels.parse(text).toString();
    } catch (dev.ferry.api.FerryException e) {
      throw new UsageException("--log-level: " + e.getMessage());
    }
  }

  private static CacheSettings.Discovery discovery(String text) {
    return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "dhcp", "1" -> CacheSettings.Discovery.DHCP;
      case "dhcp-force", "2" -> CacheSettings.Discovery.DHCP_FORCE;
      case "none", "0" -> CacheSettings.Discovery.NONE;
      default ->
          throw new UsageException(
              "--cache-host-source: '" + text + "' is not dhcp, dhcp-force or none");
    };
  }

  private static List<String> cacheHostList(String text) {
    try {
      return dev.ferry.api.ArgumentRules.cacheHosts(text);
    } catch (dev.ferry.api.FerryException e) {
      throw new UsageException("--cache-host: " + e.getMessage());
    }
  }

  private static long delaySeconds(String name, String text) {
    try {
      long seconds = Long.parseLong(text.trim());
      if (seconds < -1) {
        throw new UsageException(name + " is -1 (never) or a number of seconds");
      }
      return seconds;
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": '" + text + "' is not a number");
    }
  }

  private static String value(String name, String inline, List<String> rest) {
    if (inline != null) {
      return inline;
    }
    if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
      throw new UsageException(name + " needs a value");
    }
    return rest.removeFirst();
  }

  /** Bytes (per second, for a rate): a positive number with an optional K, M or G suffix. */
  private static long rate(String name, String text) {
    String t = text.trim().toUpperCase(java.util.Locale.ROOT);
    long unit = 1;
    if (t.endsWith("K") || t.endsWith("M") || t.endsWith("G")) {
      unit = t.endsWith("K") ? 1L << 10 : t.endsWith("M") ? 1L << 20 : 1L << 30;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long n = Long.parseLong(t);
      if (n > 0 && n <= Long.MAX_VALUE / unit) {
        return n * unit;
      }
    } catch (NumberFormatException e) {
      // Said below.
    }
    throw new UsageException(name + ": " + text + " is not a number of bytes (K, M or G suffix)");
  }

  private static int port(String text) {
    return port("--tcp", text);
  }

  private static int port(String name, String text) {
    int port = positiveOrZero(name, text);
    if (port > 65535) {
      throw new UsageException(name + ": " + text + " is not a port");
    }
    return port;
  }

  private static int positive(String name, String text) {
    int n = positiveOrZero(name, text);
    if (n == 0) {
      throw new UsageException(name + " must be at least 1");
    }
    return n;
  }

  private static int positiveOrZero(String name, String text) {
    try {
      int n = Integer.parseInt(text);
      if (n < 0) {
        throw new UsageException(name + " must not be negative");
      }
      return n;
    } catch (NumberFormatException e) {
      throw new UsageException(name + ": '" + text + "' is not a number");
    }
  }

  /** An octal mode such as {@code 0600} as the {@code rwx------} form of PosixFilePermissions. */
  static String permissions(String octal) {
    int mode;
    try {
      mode = Integer.parseInt(octal, 8);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + octal + "' is not an octal mode");
    }
    if (mode < 0 || mode > 0777) {
      throw new IllegalArgumentException("'" + octal + "' is not a file mode");
    }
    StringBuilder text = new StringBuilder();
    String letters = "rwxrwxrwx";
    for (int bit = 8; bit >= 0; bit--) {
      text.append((mode & (1 << bit)) != 0 ? letters.charAt(8 - bit) : '-');
    }
    return text.toString();
  }
}
