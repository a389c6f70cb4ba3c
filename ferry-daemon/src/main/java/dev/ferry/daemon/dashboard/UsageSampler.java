package dev.ferry.daemon.dashboard;

import dev.ferry.metrics.FerryMetrics;
import dev.ferry.rest.UsageView;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

/**
 * Samples the daemon's byte counters at a fixed interval for the dashboard's charts: each sample's
 * bytes go into the in-memory history since the start and into the day's total, which is written to
 * the data directory every minute and at close. The counters are the metrics' (fed by the engine's
 * transfer events), so the engine's one transfer listener stays the metrics'.
 */
public final class UsageSampler implements AutoCloseable {
  /** How often the counters are sampled. */
  public static final Duration INTERVAL = Duration.ofSeconds(5);

  /** Samples kept since the start: the most recent six hours. */
  static final int HISTORY = (int) (Duration.ofHours(6).toSeconds() / INTERVAL.toSeconds());

  /** Samples between writes of the daily totals. */
  private static final int SAVE_EVERY = (int) (60 / INTERVAL.toSeconds());

  /** The days the month's chart shows. */
  static final int MONTH_DAYS = 31;

  private final Supplier<Amounts> totals;
  private final Clock clock;
  private final long monthlyUploadCap;
  private final LongSupplier uploadPace;
  private final UsageHistory history = new UsageHistory(HISTORY);
  private final DailyUsage daily;
  private ScheduledExecutorService timer;
  private Amounts last = Amounts.ZERO;
  private int sinceSave;

  UsageSampler(Supplier<Amounts> totals, DailyUsage daily, Clock clock, long monthlyUploadCap) {
    this(totals, daily, clock, monthlyUploadCap, () -> 0);
  }

  /**
   * @param uploadPace the rate uploads are paced at by delay now, 0 while they are not
   */
  UsageSampler(
      Supplier<Amounts> totals,
      DailyUsage daily,
      Clock clock,
      long monthlyUploadCap,
      LongSupplier uploadPace) {
    this.totals = totals;
    this.daily = daily;
    this.clock = clock;
    this.monthlyUploadCap = monthlyUploadCap;
    this.uploadPace = uploadPace;
  }

  /**
   * Samples {@code metrics} from now on, with the daily totals in {@code file}.
   *
   * @param file the daily totals' file, loaded now and written as they grow
   * @param monthlyUploadCap the most bytes sent to peers in a calendar month, 0 for none
   */
  public static UsageSampler start(FerryMetrics metrics, Path file, long monthlyUploadCap) {
    UsageSampler sampler =
        new UsageSampler(
            () -> Amounts.totalsOf(metrics),
            DailyUsage.load(file),
            Clock.systemDefaultZone(),
            monthlyUploadCap,
            metrics::uploadPaceNow);
    sampler.timer =
        Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("ferryd-usage").factory());
    sampler.timer.scheduleAtFixedRate(
        sampler::sampleSafely, INTERVAL.toMillis(), INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
    return sampler;
  }

  private void sampleSafely() {
    try {
      sample();
    } catch (RuntimeException e) {
      // A scheduled task that throws is never run again: log and keep sampling.
      org.slf4j.LoggerFactory.getLogger(UsageSampler.class).warn("usage sample failed", e);
    }
  }

  /** Takes one sample now. */
  synchronized void sample() {
    Amounts now = totals.get();
    Amounts added = now.minus(last);
    last = now;
    history.add(clock.instant().getEpochSecond(), added);
    daily.add(LocalDate.now(clock), added);
    if (++sinceSave >= SAVE_EVERY) {
      sinceSave = 0;
      daily.save();
    }
  }

  /**
   * The bytes uploaded to peers this calendar month (the daemon's local date): the days' totals,
   * kept across restarts, and what was sent since the last sample.
   */
  public synchronized long uploadedThisMonth() {
    return thisMonth(Amounts::uploaded);
  }

  /** Of {@link #uploadedThisMonth}, the bytes sent to Internet peers: what the cap counts. */
  public synchronized long uploadedToInternetThisMonth() {
    return thisMonth(Amounts::uploadedToInternet);
  }

  private long thisMonth(ToLongFunction<Amounts> amount) {
    long unsampled = Math.max(0, amount.applyAsLong(totals.get()) - amount.applyAsLong(last));
    return daily.inMonthOf(LocalDate.now(clock), amount) + unsampled;
  }

  /** The most bytes sent to peers in a calendar month (DO's DOMonthlyUploadDataCap), 0 for none. */
  public long monthlyUploadCap() {
    return monthlyUploadCap;
  }

  /**
   * Whether this month's uploads to Internet peers reached the cap (DO's cap counts those only):
   * they are served no more until the month ends.
   */
  public boolean uploadCapReached() {
    return monthlyUploadCap > 0 && uploadedToInternetThisMonth() >= monthlyUploadCap;
  }

  /**
   * The samples later than {@code after} (seconds since the epoch), the month's days, and this
   * month's uploads against the cap.
   */
  public UsageView view(long after) {
    return new UsageView(
        (int) INTERVAL.toSeconds(),
        history.after(after),
        daily.last(LocalDate.now(clock), MONTH_DAYS),
        uploadedThisMonth(),
        uploadedToInternetThisMonth(),
        monthlyUploadCap,
        uploadPace.getAsLong());
  }

  /** Stops sampling; takes a last sample and writes the daily totals. */
  @Override
  public void close() {
    if (timer != null) {
      timer.shutdownNow();
      try {
        timer.awaitTermination(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    sample();
    daily.save();
  }
}
