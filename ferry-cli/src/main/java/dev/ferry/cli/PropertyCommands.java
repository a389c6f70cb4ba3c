package dev.ferry.cli;

import dev.ferry.api.BackgroundCopyJob;
import dev.ferry.api.JobPropertyId;
import dev.ferry.rest.PropertyValue;
import java.util.Locale;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/**
 * Job5::GetProperty (SetProperty is a {@link Setter}), with values typed as the local API types
 * them.
 */
final class PropertyCommands {
  private PropertyCommands() {}

  /** A property by its documented number (1) or its name (COST_FLAGS, any case). */
  static final class Id implements CommandLine.ITypeConverter<JobPropertyId> {
    @Override
    public JobPropertyId convert(String text) {
      String t = text.strip();
      if (!t.isEmpty() && Character.isDigit(t.charAt(0))) {
        return JobPropertyId.of((int) Numbers.parse(t));
      }
      try {
        return JobPropertyId.valueOf(t.toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(
            "'"
                + text
                + "' is not a job property; one of "
                + java.util.Arrays.toString(JobPropertyId.values()));
      }
    }
  }

  static final String IDS =
      "the property: its number or name (COST_FLAGS 1, NOTIFICATION_CLSID 2, DYNAMIC_CONTENT 3,"
          + " HIGH_PERFORMANCE 4, MAX_DOWNLOAD_SIZE 5, USE_STORED_CREDENTIALS 7,"
          + " MINIMUM_NOTIFICATION_INTERVAL_MS 9, ON_DEMAND_MODE 10, and Ferry's"
          + " MAX_TRANSFER_RATE 1001: bytes per second, 0 for no cap of the job's own;"
          + " CACHE_HOSTS 1002: a STRING of cache hosts separated by commas, \"\" for the"
          + " machine's; CACHE_FALLBACK_DELAY 1003: a DWORD of seconds, 0xFFFFFFFF never;"
          + " for peers: CONTENT_DESCRIPTION 1004 (a torrent in base64), PEERS 1005 (HOST:PORT"
          + " separated by commas), DOWNLOAD_MODE 1006 (DO's DownloadMode), HTTP_DELAY 1007 and"
          + " MIN_BACKGROUND_QOS 1008 (seconds, a DWORD; bytes per second, a UINT64), GROUP_ID"
          + " 1009 (a GUID), TRACKERS 1010 (URLs"
          + " separated by commas))";

  @Command(
      name = "getproperty",
      mixinStandardHelpOptions = true,
      description = "Print a Job5 property (BITS_JOB_PROPERTY_ID).")
  static final class GetProperty extends JobVerb {
    @Parameters(index = "1", paramLabel = "ID", converter = Id.class, description = IDS)
    JobPropertyId id;

    @Mixin JsonOption jsonOption;

    @Override
    int run(Session session, BackgroundCopyJob job) {
      PropertyValue value = PropertyValue.of(job.getProperty(id));
      if (json(jsonOption)) {
        printJson(value, true);
      } else {
        out().println(value.value());
      }
      return ExitCodes.OK;
    }
  }
}
