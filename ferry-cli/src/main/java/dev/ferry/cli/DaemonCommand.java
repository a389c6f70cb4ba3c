package dev.ferry.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Unmatched;

/**
 * {@code ferry daemon}: runs ferryd in the foreground until SIGTERM or Ctrl+C. The global {@code
 * --socket} and {@code --data-dir} are passed on; so is anything this verb does not know, for
 * ferryd to judge.
 */
@Command(
    name = "daemon",
    mixinStandardHelpOptions = true,
    description = {
      "Run ferryd in the foreground: it keeps the jobs transferring and serves the other verbs.",
      "Per user by default (socket $XDG_RUNTIME_DIR/ferry/ferryd.sock, data ~/.local/share/ferry);"
          + " --system for the machine (/run/ferry/ferryd.sock, /var/lib/ferry)."
    })
final class DaemonCommand implements Callable<Integer> {
  @ParentCommand FerryCommand ferry;

  @Option(names = "--system", description = "system mode: one daemon for every user (run as root)")
  boolean system;

  @Option(
      names = "--tcp",
      paramLabel = "PORT",
      description = "also listen on 127.0.0.1:PORT, for callers with the token")
  Integer tcpPort;

  @Option(
      names = "--token-file",
      paramLabel = "FILE",
      description = "where the TCP token is written (readable by the owner only)")
  Path tokenFile;

  @Option(
      names = "--read-timeout-seconds",
      paramLabel = "N",
      description = "the engine's network read timeout")
  Integer readTimeoutSeconds;

  @Option(
      names = "--do-agent",
      description =
          "also serve Microsoft's Delivery Optimization agent protocol on 127.0.0.1, for programs"
              + " built on the DO C++ SDK")
  boolean doAgent;

  @Option(
      names = "--do-agent-dir",
      paramLabel = "DIR",
      description =
          "where the agent's restport.<pid> file goes (default: /var/run/deliveryoptimization-agent"
              + " as root, else $XDG_RUNTIME_DIR/ferry/do-agent); implies --do-agent")
  Path doAgentDir;

  @Option(
      names = "--do-agent-user",
      paramLabel = "USER",
      description =
          "who owns the downloads made through the agent (default: the daemon's user; required"
              + " with --system); implies --do-agent")
  String doAgentUser;

  @Option(
      names = "--log-level",
      paramLabel = "LEVEL",
      description =
          "the starting level of Ferry's log lines (TRACE, DEBUG, INFO, WARN, ERROR, OFF; default"
              + " FERRY_LOG_LEVEL, else INFO); 'ferry log-level' changes it while ferryd runs")
  String logLevel;

  @Option(
      names = "--peer-port",
      paramLabel = "PORT|off",
      description =
          "where peers connect to fetch what ferryd offers (default DO's 7680, else any free port"
              + " while that is taken; 0 any; off: no peers)")
  String peerPort;

  @Option(
      names = "--peer-upload-rate",
      paramLabel = "RATE",
      description = "the most bytes per second sent to peers in all (K, M or G; default no cap)")
  String peerUploadRate;

  @Option(
      names = "--monthly-upload-cap",
      paramLabel = "BYTES",
      description =
          "the most sent to peers in a calendar month (DO's DOMonthlyUploadDataCap; K, M or G;"
              + " default none); once reached, peers are served no more that month")
  String monthlyUploadCap;

  @Option(
      names = "--download-mode",
      paramLabel = "MODE",
      description =
          "how downloads that set no mode of their own find peers (DO's DODownloadMode): http,"
              + " lan (default), group, internet or simple")
  String downloadMode;

  @Option(
      names = "--group-id",
      paramLabel = "GUID",
      description =
          "the machine's Group ID for group mode (DO's DOGroupID): a scope, not a credential")
  String groupId;

  @Option(
      names = "--tracker",
      paramLabel = "URL",
      description = "a BitTorrent tracker to announce to (http, https or udp; repeatable)")
  List<String> trackers = new ArrayList<>();

  @Option(
      names = "--peer-selection",
      paramLabel = "subnet|any",
      description =
          "which peers lan mode takes (DO's DORestrictPeerSelectionBy): this machine's subnets'"
              + " (default) or any")
  String peerSelection;

  @Option(names = "--no-local-discovery", description = "no BEP 14 multicast on the local network")
  boolean noLocalDiscovery;

  @Unmatched List<String> more = new ArrayList<>();

  @Override
  public Integer call() {
    List<String> args = new ArrayList<>();
    if (ferry.socket != null) {
      args.addAll(List.of("--socket", ferry.socket.toAbsolutePath().toString()));
    }
    if (ferry.dataDir != null) {
      args.addAll(List.of("--data-dir", ferry.dataDir.toAbsolutePath().toString()));
    }
    if (system) {
      args.add("--system");
    }
    if (tcpPort != null) {
      args.addAll(List.of("--tcp", tcpPort.toString()));
    }
    if (tokenFile != null) {
      args.addAll(List.of("--token-file", tokenFile.toAbsolutePath().toString()));
    }
    if (readTimeoutSeconds != null) {
      args.addAll(List.of("--read-timeout-seconds", readTimeoutSeconds.toString()));
    }
    if (doAgent) {
      args.add("--do-agent");
    }
    if (doAgentDir != null) {
      args.addAll(List.of("--do-agent-dir", doAgentDir.toAbsolutePath().toString()));
    }
    if (doAgentUser != null) {
      args.addAll(List.of("--do-agent-user", doAgentUser));
    }
    if (logLevel != null) {
      args.addAll(List.of("--log-level", logLevel));
    }
    if (peerPort != null) {
      args.addAll(List.of("--peer-port", peerPort));
    }
    if (peerUploadRate != null) {
      args.addAll(List.of("--peer-upload-rate", peerUploadRate));
    }
    if (monthlyUploadCap != null) {
      args.addAll(List.of("--monthly-upload-cap", monthlyUploadCap));
    }
    if (downloadMode != null) {
      args.addAll(List.of("--download-mode", downloadMode));
    }
    if (groupId != null) {
      args.addAll(List.of("--group-id", groupId));
    }
    for (String tracker : trackers) {
      args.addAll(List.of("--tracker", tracker));
    }
    if (peerSelection != null) {
      args.addAll(List.of("--peer-selection", peerSelection));
    }
    if (noLocalDiscovery) {
      args.add("--no-local-discovery");
    }
    // ferryd puts its own logging in place of the command line's quiet one.
    args.addAll(more);
    return Daemon.run(args.toArray(String[]::new));
  }
}
