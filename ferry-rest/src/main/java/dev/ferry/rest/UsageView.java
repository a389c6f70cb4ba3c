package dev.ferry.rest;

import java.util.List;

/**
 * GET {@link Routes#USAGE}: bytes by where they came from, as Windows' activity monitor shows them.
 * Received bytes are by source kind: {@code origin} (the file's own server, over HTTP), {@code
 * cache} (cache servers), {@code peer} (other machines), {@code other} (every other kind, such as
 * local files); {@code uploaded} is what peers were sent.
 *
 * @param intervalSeconds how long each sample covers
 * @param samples since the daemon started (the most recent hours of it), oldest first, each the
 *     bytes of its interval
 * @param days the last month's totals by day (the daemon's local date), oldest first, kept across
 *     restarts
 * @param uploadedThisMonth bytes sent to peers this calendar month
 * @param uploadedToInternetThisMonth of those, the bytes sent to Internet peers (neither on this
 *     network nor of the group): what the cap counts
 * @param monthlyUploadCap the most bytes sent to Internet peers in a calendar month (DO's
 *     DOMonthlyUploadDataCap), after which ferryd serves no Internet peer until the month ends; 0
 *     for none
 * @param uploadPace the rate, bytes per second, uploads are paced at now to keep the queuing delay
 *     they add in front of the uplink under the target (as LEDBAT); 0 while they are not paced
 */
public record UsageView(
    int intervalSeconds,
    List<Sample> samples,
    List<Day> days,
    long uploadedThisMonth,
    long uploadedToInternetThisMonth,
    long monthlyUploadCap,
    long uploadPace) {

  /** The bytes of one interval ending at {@code time} (seconds since the epoch). */
  public record Sample(long time, long origin, long cache, long peer, long other, long uploaded) {}

  /**
   * The bytes of one day ({@code date} as YYYY-MM-DD).
   *
   * @param uploadedToInternet of {@code uploaded}, the bytes sent to Internet peers; null in days
   *     kept before uploads were told by kind of peer, which were all counted as Internet peers'
   */
  public record Day(
      String date,
      long origin,
      long cache,
      long peer,
      long other,
      long uploaded,
      Long uploadedToInternet) {}
}
