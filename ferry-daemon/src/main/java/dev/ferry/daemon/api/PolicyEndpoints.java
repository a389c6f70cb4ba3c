package dev.ferry.daemon.api;

import dev.ferry.api.ArgumentRules;
import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.cache.CacheConfigFile;
import dev.ferry.cache.CacheServers;
import dev.ferry.cache.CacheSettings;
import dev.ferry.engine.Engine;
import dev.ferry.engine.bandwidth.BandwidthPolicy;
import dev.ferry.engine.bandwidth.TokenBucket;
import dev.ferry.rest.PolicyView;
import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** {@link Routes#POLICY}: everybody may read the bandwidth policy; its owners may change it. */
public final class PolicyEndpoints {
  private final Engine engine;
  private final long daemonUid;

  PolicyEndpoints(Engine engine, long daemonUid) {
    this.engine = engine;
    this.daemonUid = daemonUid;
  }

  void register(RoutesConfig routes) {
    routes.get(Routes.POLICY, ctx -> ctx.json(view(engine)));
    routes.put(Routes.POLICY, this::replace);
  }

  private void replace(Context ctx) {
    JobOwner caller = JobEndpoints.caller(ctx);
    if (!caller.isAdministrator() && caller.uid() != daemonUid) {
      throw new FerryException(
          HResult.E_ACCESSDENIED, "only the administrator may change the bandwidth policy");
    }
    apply(engine, Requests.body(ctx, PolicyView.class));
    ctx.json(view(engine));
  }

  /**
   * Puts {@code view} in force in {@code engine}, durably: the bandwidth policy, and the cache
   * hosts where it names them (kept in the data directory's {@link CacheConfigFile}).
   *
   * @throws FerryException E_INVALIDARG when it describes no policy or names a host that is not one
   */
  public static void apply(Engine engine, PolicyView view) {
    BandwidthPolicy policy = policy(view);
    CacheSettings cache = view.cache() == null ? null : cacheSettings(view.cache());
    engine.setBandwidthPolicy(policy);
    if (cache != null) {
      CacheServers servers =
          engine
              .extension(CacheServers.class)
              .orElseThrow(
                  () -> new FerryException(HResult.E_NOTIMPL, "this engine asks no cache servers"));
      CacheConfigFile.write(engine.dataDir(), cache);
      servers.setSettings(cache);
    }
  }

  /** The policy in force in {@code engine}, its cache hosts with it. */
  public static PolicyView view(Engine engine) {
    PolicyView bandwidth = view(engine.bandwidthPolicy());
    PolicyView.Cache cache =
        engine.extension(CacheServers.class).map(s -> cacheView(s)).orElse(null);
    return new PolicyView(
        bandwidth.global(),
        bandwidth.foreground(),
        bandwidth.background(),
        bandwidth.backgroundWhileForeground(),
        bandwidth.windows(),
        cache);
  }

  private static PolicyView.Cache cacheView(CacheServers servers) {
    CacheSettings settings = servers.settings();
    return new PolicyView.Cache(
        settings.hosts(),
        CacheSettings.secondsOf(settings.foregroundDelay()),
        CacheSettings.secondsOf(settings.backgroundDelay()),
        servers.bans().current().stream()
            .map(b ->
                new PolicyView.Ban(b.cacheHost(), b.originHost(), b.until().toString(), b.reason()))
            .toList());
  }

  private static CacheSettings cacheSettings(PolicyView.Cache cache) {
    List<String> hosts = new ArrayList<>();
    for (String host : cache.hosts() == null ? List.<String>of() : cache.hosts()) {
      hosts.addAll(ArgumentRules.cacheHosts(host));
    }
    try {
      return new CacheSettings(hosts, CacheSettings.UNSET, CacheSettings.UNSET)
          .withDelays(cache.fallbackForeground(), cache.fallbackBackground());
    } catch (IllegalArgumentException e) {
      throw new FerryException(HResult.E_INVALIDARG, "not a valid cache host: " + e.getMessage());
    }
  }

  /** The policy as the API shows it. */
  public static PolicyView view(BandwidthPolicy p) {
    return new PolicyView(
        cap(p.global()),
        cap(p.foreground()),
        cap(p.background()),
        cap(p.backgroundWhileForeground()),
        p.windows().stream()
            .map(w ->
                new PolicyView.Window(
                    w.days().stream().map(DayOfWeek::name).toList(),
                    w.from().toString(),
                    w.to().toString(),
                    w.background()))
            .toList());
  }

  /** The policy a view describes; E_INVALIDARG when it describes none. */
  public static BandwidthPolicy policy(PolicyView v) {
    try {
      return new BandwidthPolicy(
          uncap(v.global()),
          uncap(v.foreground()),
          uncap(v.background()),
          uncap(v.backgroundWhileForeground()),
          v.windows() == null
              ? java.util.List.of()
              : v.windows().stream()
                  .map(w ->
                      new BandwidthPolicy.Window(
                          days(w.days()),
                          LocalTime.parse(w.from()),
                          LocalTime.parse(w.to()),
                          w.background()))
                  .toList());
    } catch (IllegalArgumentException | DateTimeParseException | NullPointerException e) {
      throw new FerryException(
          HResult.E_INVALIDARG, "not a valid bandwidth policy: " + e.getMessage());
    }
  }

  private static Set<DayOfWeek> days(java.util.List<String> names) {
    Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
    if (names != null) {
      for (String name : names) {
        days.add(DayOfWeek.valueOf(name));
      }
    }
    return days;
  }

  private static long cap(long value) {
    return value == TokenBucket.UNLIMITED ? -1 : value;
  }

  private static long uncap(long value) {
    return value == -1 ? TokenBucket.UNLIMITED : value;
  }
}
