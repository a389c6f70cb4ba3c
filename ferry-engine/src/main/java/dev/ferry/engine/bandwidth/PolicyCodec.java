package dev.ferry.engine.bandwidth;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.time.DayOfWeek;
import java.time.LocalTime;
import java.util.List;
import java.util.Set;

/** The bandwidth policy as the store keeps it: JSON with -1 for "no cap". */
public final class PolicyCodec {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private record Stored(
      long global,
      long foreground,
      long background,
      long backgroundWhileForeground,
      List<StoredWindow> windows) {}

  private record StoredWindow(Set<DayOfWeek> days, String from, String to, long background) {}

  private PolicyCodec() {}

  public static String encode(BandwidthPolicy policy) {
    try {
      return JSON.writeValueAsString(
          new Stored(
              cap(policy.global()),
              cap(policy.foreground()),
              cap(policy.background()),
              cap(policy.backgroundWhileForeground()),
              policy.windows().stream()
                  .map(w ->
                      new StoredWindow(
                          w.days(), w.from().toString(), w.to().toString(), w.background()))
                  .toList()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  public static BandwidthPolicy decode(String text) {
    try {
      Stored s = JSON.readValue(text, Stored.class);
      return new BandwidthPolicy(
          uncap(s.global()),
          uncap(s.foreground()),
          uncap(s.background()),
          uncap(s.backgroundWhileForeground()),
          s.windows().stream()
              .map(w ->
                  new BandwidthPolicy.Window(
                      w.days(), LocalTime.parse(w.from()), LocalTime.parse(w.to()), w.background()))
              .toList());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not a stored bandwidth policy: " + e.getMessage(), e);
    }
  }

  private static long cap(long value) {
    return value == TokenBucket.UNLIMITED ? -1 : value;
  }

  private static long uncap(long value) {
    return value < 0 ? TokenBucket.UNLIMITED : value;
  }
}
