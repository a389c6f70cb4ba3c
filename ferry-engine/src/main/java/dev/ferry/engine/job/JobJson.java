package dev.ferry.engine.job;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The job package's JSON mapper, made on first use: starting Jackson costs a short command tens of
 * milliseconds, and only DO settings, DO downloads and error details need it.
 */
final class JobJson {
  static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private JobJson() {}
}
