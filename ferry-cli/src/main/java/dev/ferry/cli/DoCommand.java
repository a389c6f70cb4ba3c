package dev.ferry.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.delivery.DeliveryManager;
import dev.ferry.api.delivery.FileDeliveryStatus;
import dev.ferry.api.delivery.PerfSnapshot;
import dev.ferry.api.delivery.SwarmStats;
import dev.ferry.client.FerryClient;
import dev.ferry.engine.integrity.IntegrityCheckInfo;
import dev.ferry.engine.integrity.PieceHashes;
import dev.ferry.rest.Json;
import dev.ferry.rest.SeedView;
import dev.ferry.rest.UsageView;
import dev.ferry.swarm.content.CanonicalTorrent;
import dev.ferry.swarm.content.ContentId;
import dev.ferry.swarm.source.ContentDescriptions;
import dev.ferry.swarm.torrent.SingleFileTorrent;
import dev.ferry.swarm.torrent.TorrentReader;
import dev.ferry.swarm.torrent.TorrentWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SequencedMap;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code do}: the Delivery Optimization cmdlets. {@code do status} is
 * Get-DeliveryOptimizationStatus, {@code do perf} Get-DeliveryOptimizationPerfSnap; both read the
 * caller's files through the DO manager of whichever engine the other verbs use.
 */
@Command(
    name = "do",
    mixinStandardHelpOptions = true,
    description =
        "Delivery Optimization: per-file status (do status), totals (do perf), and piece hashes"
            + " for publishers (do hash).",
    subcommands = {
      DoCommand.Status.class,
      DoCommand.Perf.class,
      DoCommand.Hash.class,
      DoCommand.Seed.class,
      DoCommand.Seeds.class,
      DoCommand.Unseed.class,
      CacheCommand.class,
      ConfigCommand.class
    })
final class DoCommand implements Callable<Integer> {
  @ParentCommand FerryCommand ferry;
  @Spec CommandLine.Model.CommandSpec spec;

  /** {@code ferry do} alone: its help, as a usage error. */
  @Override
  public Integer call() {
    spec.commandLine().usage(spec.commandLine().getErr());
    return ExitCodes.USAGE;
  }

  /** What both reports share: the session, the DO manager, JSON output. */
  abstract static class Report implements Callable<Integer> {
    @ParentCommand DoCommand parent;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Verb.JsonOption jsonOption;

    @Override
    public final Integer call() {
      try (Session session = parent.ferry.session()) {
        DeliveryManager delivery = DeliveryManager.of(session.manager());
        PrintWriter out = spec.commandLine().getOut();
        boolean json = jsonOption.json || parent.ferry.json;
        report(delivery, out, json);
        if (!json) {
          uploads(session.choice()).ifPresent(usage -> uploadLine(out, usage));
        }
        out.flush();
        return ExitCodes.OK;
      }
    }

    abstract void report(DeliveryManager delivery, PrintWriter out, boolean json);

    /**
     * This month's uploads to peers and their cap, which ferryd keeps (the embedded engine of a
     * command serves peers only while it runs, and counts no month).
     */
    private static Optional<UsageView> uploads(Session.Choice choice) {
      if (!choice.daemon() || choice.shared()) {
        return Optional.empty();
      }
      try {
        return Optional.of(FerryClient.usage(choice.socket()));
      } catch (RuntimeException olderDaemon) {
        return Optional.empty();
      }
    }

    private static void uploadLine(PrintWriter out, UsageView usage) {
      // DO's cap counts Internet peers alone.
      out.println(
          "Uploaded to peers this month: "
              + Progress.mib(usage.uploadedThisMonth())
              + ", to Internet peers "
              + Progress.mib(usage.uploadedToInternetThisMonth())
              + (usage.monthlyUploadCap() > 0
                  ? " of the monthly cap of " + Progress.mib(usage.monthlyUploadCap())
                  : " (no monthly cap)")
              + "."
              + (usage.uploadPace() > 0
                  ? " Uploads are paced at "
                      + Progress.mib(usage.uploadPace())
                      + "/s: the uplink's queue grew."
                  : ""));
    }

    static void printJson(PrintWriter out, Object value) {
      try {
        out.println(Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot write " + value + " as JSON", e);
      }
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description =
          "Get-DeliveryOptimizationStatus: your files that are not final, from DO downloads and"
              + " jobs, with where their bytes came from.")
  static final class Status extends Report {
    @Override
    void report(DeliveryManager delivery, PrintWriter out, boolean json) {
      List<FileDeliveryStatus> files = delivery.deliveryStatus();
      if (json) {
        printJson(out, files);
        return;
      }
      if (!files.isEmpty()) {
        Table table =
            new Table(
                "FILE",
                "SIZE",
                "FROM HTTP",
                "FROM PEERS",
                "FROM CACHE",
                "TO PEERS",
                "% PEERS",
                "% NOT ORIGIN",
                "CACHE HOST",
                "STATUS",
                "PRIORITY",
                "SOURCE");
        for (FileDeliveryStatus file : files) {
          SwarmStats stats = file.stats();
          table.row(
              file.localPath().isEmpty() ? "(stream) " + file.ownerId() : file.localPath(),
              // The engine reports an unknown size as 0, as DO's DOSwarmStats does; only a
              // finished file's 0 is a size.
              stats.fileSize() < 0
                      || (stats.fileSize() == 0
                          && stats.status() != dev.ferry.api.delivery.SwarmStatus.COMPLETE)
                  ? "UNKNOWN"
                  : Long.toString(stats.fileSize()),
              stats.bytesFromHttp(),
              stats.bytesFromPeers(),
              stats.bytesFromCacheServer(),
              stats.bytesToLanPeers() + stats.bytesToGroupPeers() + stats.bytesToInternetPeers(),
              String.format(Locale.ROOT, "%.1f", stats.percentPeerCaching()),
              String.format(Locale.ROOT, "%.1f", stats.percentNotFromOrigin()),
              stats.cacheHost().isEmpty() ? "-" : stats.cacheHost(),
              capitalized(stats.status().name()),
              stats.isBackground() ? "Background" : "Foreground",
              stats.sourceUrl());
        }
        table.print(out);
      }
      out.println("Listed " + files.size() + " file(s).");
    }
  }

  @Command(
      name = "perf",
      mixinStandardHelpOptions = true,
      description = "Get-DeliveryOptimizationPerfSnap: totals over your files.")
  static final class Perf extends Report {
    @Override
    void report(DeliveryManager delivery, PrintWriter out, boolean json) {
      PerfSnapshot perf = delivery.perfSnapshot();
      if (json) {
        printJson(out, perf);
        return;
      }
      Table table = new Table("FIELD", "VALUE");
      for (var component : PerfSnapshot.class.getRecordComponents()) {
        try {
          table.row(
              Character.toUpperCase(component.getName().charAt(0))
                  + component.getName().substring(1),
              String.valueOf(component.getAccessor().invoke(perf)));
        } catch (ReflectiveOperationException e) {
          throw new IllegalStateException(e);
        }
      }
      table.row(
          "PercentNotFromOrigin", String.format(Locale.ROOT, "%.1f", perf.percentNotFromOrigin()));
      table.print(out);
    }
  }

  @Command(
      name = "hash",
      mixinStandardHelpOptions = true,
      description =
          "Writes FILE's piece-hash file and prints the IntegrityCheckInfo JSON a download of FILE"
              + " then takes, with FILE's content id and its swarm's BitTorrent v2 info-hash;"
              + " --torrent also writes that swarm's torrent.")
  static final class Hash implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Parameters(paramLabel = "FILE", description = "The file to publish.")
    Path file;

    @Option(
        names = {"-o", "--output"},
        paramLabel = "PHF",
        description = "Where the piece-hash file goes (default: FILE.phf).")
    Path output;

    @Option(
        names = "--url",
        paramLabel = "URL",
        description =
            "Where downloaders will find the piece-hash file; relative to the file's own URL"
                + " (default: the output's file name).")
    String url;

    @Option(
        names = "--piece-size",
        paramLabel = "BYTES",
        defaultValue = "1048576",
        description =
            "A power of two from 16384 (1024 with --phf-version 1) to 1073741824 (default:"
                + " ${DEFAULT-VALUE}).")
    int pieceSize;

    @Option(
        names = "--torrent",
        paramLabel = "TORRENT",
        description =
            "Also write the file's canonical BitTorrent v2 torrent (named after its content id)"
                + " here.")
    Path torrent;

    @Option(
        names = "--phf-version",
        paramLabel = "N",
        defaultValue = "2",
        description =
            "2: BitTorrent v2's merkle hashes (BEP 52), which peers check pieces with (default);"
                + " 1: the SHA-256 of each piece, for downloaders that read only that.")
    int version;

    @Override
    public Integer call() throws IOException {
      if (version != 1 && version != 2) {
        throw usage("--phf-version is 1 or 2, not " + version);
      }
      if (version == 1 && torrent != null) {
        throw usage("--torrent needs --phf-version 2: a torrent holds BitTorrent v2's hashes");
      }
      Path target = output != null ? output : file.resolveSibling(file.getFileName() + ".phf");
      PieceHashes hashes;
      try {
        hashes =
            version == 1 ? PieceHashes.of(file, pieceSize) : PieceHashes.bep52(file, pieceSize);
      } catch (IllegalArgumentException e) {
        throw usage(e.getMessage());
      }
      SequencedMap<String, String> swarm = new LinkedHashMap<>();
      if (hashes.tree() != null && hashes.tree().root() != null) {
        SingleFileTorrent canonical = CanonicalTorrent.of(hashes.tree());
        swarm.put("ContentId", ContentId.of(hashes.tree()).hex());
        swarm.put("InfoHashV2", canonical.infoHash().hex());
        if (torrent != null) {
          TorrentWriter.write(canonical, torrent);
        }
      } else if (torrent != null) {
        // BEP 52 gives an empty file no pieces root, and libtorrent refuses such a torrent too.
        throw new FerryException(
            HResult.E_INVALIDARG,
            file + " is empty: it has no content id, and BitTorrent v2 has no torrent of it");
      }
      Files.write(target, hashes.encode());
      PrintWriter out = spec.commandLine().getOut();
      out.println(
          IntegrityCheckInfo.describe(
              url != null ? url : target.getFileName().toString(), hashes, swarm));
      out.flush();
      return ExitCodes.OK;
    }

    private CommandLine.ParameterException usage(String message) {
      return new CommandLine.ParameterException(spec.commandLine(), message);
    }
  }

  /** What the seeding verbs share: ferryd's socket, which they need (ferryd does the seeding). */
  abstract static class Seeding implements Callable<Integer> {
    @ParentCommand DoCommand parent;
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin Verb.JsonOption jsonOption;

    @Override
    public final Integer call() throws Exception {
      Session.Choice choice =
          Session.choose(parent.ferry.socket, parent.ferry.dataDir, parent.ferry.noDaemon);
      if (!choice.daemon()) {
        throw new FerryException(
            HResult.E_NOTIMPL,
            "offering files to peers needs ferryd, which keeps serving them: start it with 'ferry"
                + " daemon'");
      }
      PrintWriter out = spec.commandLine().getOut();
      int code = run(choice.socket(), out, jsonOption.json || parent.ferry.json);
      out.flush();
      return code;
    }

    abstract int run(Path socket, PrintWriter out, boolean json) throws Exception;

    static void print(PrintWriter out, List<SeedView> seeds) {
      Table table = new Table("INFO-HASH", "SIZE", "PEERS", "UPLOADED", "FILE");
      for (SeedView seed : seeds) {
        table.row(
            seed.infoHash(),
            Progress.mib(seed.size()),
            Integer.toString(seed.peers()),
            Progress.mib(seed.bytesUploaded()),
            seed.path());
      }
      table.print(out);
    }
  }

  @Command(
      name = "seed",
      mixinStandardHelpOptions = true,
      description =
          "Offers FILE to peers through ferryd (which hashes it first unless --torrent describes"
              + " it) and prints its info-hash and magnet link; 'ferry get --torrent' on other"
              + " machines then fetches it from this one.")
  static final class Seed extends Seeding {
    @Parameters(paramLabel = "FILE", description = "The file to offer (yours).")
    Path file;

    @Option(
        names = "--torrent",
        paramLabel = "TORRENT",
        description = "The single-file BitTorrent v2 torrent to offer it by (default: its own).")
    Path torrent;

    @Option(
        names = "--piece-size",
        paramLabel = "BYTES",
        defaultValue = "1048576",
        description =
            "The piece size of its own torrent, a power of two from 16384 (default:"
                + " ${DEFAULT-VALUE}).")
    int pieceSize;

    @Option(
        names = "--torrent-out",
        paramLabel = "FILE",
        description = "Also write the torrent it is offered by here, for others to fetch it with.")
    Path torrentOut;

    @Override
    int run(Path socket, PrintWriter out, boolean json) throws Exception {
      String description = null;
      if (torrent != null) {
        try {
          description = ContentDescriptions.encode(TorrentReader.read(torrent));
        } catch (IOException | IllegalArgumentException e) {
          throw new CommandLine.ParameterException(
              spec.commandLine(), "--torrent " + torrent + ": " + e.getMessage());
        }
      }
      SeedView seed =
          FerryClient.seed(socket, file.toAbsolutePath().normalize(), description, pieceSize);
      if (torrentOut != null) {
        Files.write(torrentOut, java.util.Base64.getDecoder().decode(seed.torrent()));
      }
      if (json) {
        Report.printJson(out, seed);
      } else {
        out.println(seed.infoHash());
        out.println(seed.magnet());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "seeds",
      mixinStandardHelpOptions = true,
      description = "Lists the files you offer to peers through ferryd.")
  static final class Seeds extends Seeding {
    @Override
    int run(Path socket, PrintWriter out, boolean json) {
      List<SeedView> seeds = FerryClient.seeds(socket);
      if (json) {
        Report.printJson(out, seeds);
      } else if (!seeds.isEmpty()) {
        print(out, seeds);
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "unseed",
      mixinStandardHelpOptions = true,
      description = "Stops offering content to peers: by its info-hash, or the file offered.")
  static final class Unseed extends Seeding {
    @Parameters(paramLabel = "INFO-HASH|FILE", description = "What to stop offering.")
    String what;

    @Override
    int run(Path socket, PrintWriter out, boolean json) {
      String hash = what;
      if (!what.matches("[0-9a-fA-F]{64}")) {
        String path = Path.of(what).toAbsolutePath().normalize().toString();
        hash =
            FerryClient.seeds(socket).stream()
                .filter(seed -> seed.path().equals(path))
                .map(SeedView::infoHash)
                .findFirst()
                .orElseThrow(() ->
                    new FerryException(HResult.BG_E_NOT_FOUND, "you offer nothing from " + path));
      }
      FerryClient.unseed(socket, hash);
      return ExitCodes.OK;
    }
  }

  private static String capitalized(String name) {
    return name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
  }
}
