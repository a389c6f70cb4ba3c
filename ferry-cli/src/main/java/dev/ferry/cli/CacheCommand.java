package dev.ferry.cli;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.client.FerryClient;
import dev.ferry.rest.CacheView;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ferry do cache}: the completed downloads ferryd keeps for peers (DO's cache), listed, and
 * with {@code pin}, {@code unpin} and {@code delete}, changed. A user sees and changes only the
 * entries of their own downloads.
 */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    description =
        "Lists what ferryd keeps for peers once downloads complete (DO's cache: files of at least"
            + " DOMinFileSizeToCache, for DOMaxCacheAge, within DOMaxCacheSize); pin keeps an"
            + " entry whatever its age and the cache's size, unpin lets it go, delete drops it.",
    subcommands = {CacheCommand.Pin.class, CacheCommand.Unpin.class, CacheCommand.Delete.class})
final class CacheCommand implements Callable<Integer> {
  @ParentCommand DoCommand parent;
  @Spec CommandLine.Model.CommandSpec spec;
  @Mixin Verb.JsonOption jsonOption;

  @Override
  public Integer call() {
    Path socket = socket(parent, "listing the cache");
    List<CacheView> entries = FerryClient.cache(socket);
    PrintWriter out = spec.commandLine().getOut();
    if (jsonOption.json || parent.ferry.json) {
      DoCommand.Report.printJson(out, entries);
    } else if (!entries.isEmpty()) {
      Table table = new Table("INFO-HASH", "SIZE", "ADDED", "LAST SERVED", "PINNED", "NAME");
      for (CacheView entry : entries) {
        table.row(
            entry.infoHash(),
            Progress.mib(entry.size()),
            entry.added(),
            entry.lastServed() == null ? "-" : entry.lastServed(),
            entry.pinned() ? "yes" : "no",
            entry.name());
      }
      table.print(out);
    }
    out.flush();
    return ExitCodes.OK;
  }

  /** ferryd's socket: the cache is ferryd's, and the embedded engine keeps none. */
  static Path socket(DoCommand parent, String doing) {
    Session.Choice choice =
        Session.choose(parent.ferry.socket, parent.ferry.dataDir, parent.ferry.noDaemon);
    if (!choice.daemon()) {
      throw new FerryException(
          HResult.E_NOTIMPL, doing + " needs ferryd, which keeps content for peers");
    }
    return choice.socket();
  }

  /** What the entry verbs share: the entry's info-hash. */
  abstract static class EntryVerb implements Callable<Integer> {
    @ParentCommand CacheCommand cache;

    @Parameters(paramLabel = "INFO-HASH", description = "The entry's info-hash (64 hex digits).")
    String infoHash;

    @Override
    public final Integer call() {
      if (!infoHash.matches("[0-9a-fA-F]{64}")) {
        throw new FerryException(
            HResult.E_INVALIDARG, infoHash + " is not an info-hash (64 hex digits)");
      }
      change(
          socket(cache.parent, "changing the cache"), infoHash.toLowerCase(java.util.Locale.ROOT));
      return ExitCodes.OK;
    }

    abstract void change(Path socket, String hash);
  }

  @Command(name = "pin", mixinStandardHelpOptions = true, description = "Keeps an entry.")
  static final class Pin extends EntryVerb {
    @Override
    void change(Path socket, String hash) {
      FerryClient.pinCached(socket, hash, true);
    }
  }

  @Command(
      name = "unpin",
      mixinStandardHelpOptions = true,
      description = "Lets an entry go by age and size again.")
  static final class Unpin extends EntryVerb {
    @Override
    void change(Path socket, String hash) {
      FerryClient.pinCached(socket, hash, false);
    }
  }

  @Command(name = "delete", mixinStandardHelpOptions = true, description = "Drops an entry.")
  static final class Delete extends EntryVerb {
    @Override
    void change(Path socket, String hash) {
      FerryClient.deleteCached(socket, hash);
    }
  }
}
