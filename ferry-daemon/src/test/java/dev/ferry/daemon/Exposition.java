package dev.ferry.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A scrape of ferryd's metrics as the Prometheus project's own text parser reads it: Python's
 * {@code prometheus_client.parser} (Debian's python3-prometheus-client, which .ci/run installs),
 * run on {@code parse-exposition.py}. Without it the tests that need it fail under CI and are
 * skipped elsewhere, saying what to install.
 */
final class Exposition {
  /** Debian's Python, whose packages hold the parser; a python3 earlier on the PATH may not. */
  private static final String PYTHON =
      Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";

  /** One sample: a series' name, its labels and its value. */
  record Sample(
      String family, String type, String name, Map<String, String> labels, double value) {}

  private final List<Sample> samples;

  private Exposition(List<Sample> samples) {
    this.samples = samples;
  }

  /** Fails under CI, else skips the test, when the parser is not installed. */
  static void assumeParser() {
    dev.ferry.testkit.PythonModule.require(
        "prometheus_client.parser", "the Prometheus text parser", "python3-prometheus-client");
  }

  /** Parses {@code text}; fails the test when the parser rejects it. */
  static Exposition parse(String text) {
    try {
      Path script = Files.createTempFile("parse-exposition", ".py");
      try (InputStream in = Exposition.class.getResourceAsStream("/parse-exposition.py")) {
        Files.write(script, in.readAllBytes());
      }
      try {
        Process process = new ProcessBuilder(PYTHON, script.toString()).start();
        try (OutputStream stdin = process.getOutputStream()) {
          stdin.write(text.getBytes(StandardCharsets.UTF_8));
        }
        byte[] out = process.getInputStream().readAllBytes();
        String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
          throw new AssertionError("the parser rejected the exposition: " + err + "\n" + text);
        }
        List<Sample> samples = new ArrayList<>();
        for (String line : new String(out, StandardCharsets.UTF_8).lines().toList()) {
          JsonNode node = UnixHttp.JSON.readTree(line);
          Map<String, String> labels = new LinkedHashMap<>();
          node.get("labels")
              .properties()
              .forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
          JsonNode value = node.get("value");
          samples.add(
              new Sample(
                  node.get("family").asText(),
                  node.get("type").asText(),
                  node.get("name").asText(),
                  labels,
                  value.isNumber() ? value.asDouble() : nonFinite(value.asText())));
        }
        return new Exposition(samples);
      } finally {
        Files.deleteIfExists(script);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** Python's names of the values JSON has no number for. */
  private static double nonFinite(String python) {
    return switch (python) {
      case "inf" -> Double.POSITIVE_INFINITY;
      case "-inf" -> Double.NEGATIVE_INFINITY;
      default -> Double.NaN;
    };
  }

  List<Sample> samples() {
    return samples;
  }

  /** The family's type as the parser read it from its TYPE line: counter, gauge, histogram. */
  String typeOf(String family) {
    return samples.stream()
        .filter(s -> s.family().equals(family))
        .map(Sample::type)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no family " + family));
  }

  /**
   * The sum of the samples named {@code name} whose labels include {@code labels} (name, value
   * pairs); 0 when there is none.
   */
  double sum(String name, String... labels) {
    double total = 0;
    for (Sample sample : samples) {
      if (sample.name().equals(name) && matches(sample.labels(), labels)) {
        total += sample.value();
      }
    }
    return total;
  }

  /** Whether a sample named {@code name} with these labels exists. */
  boolean has(String name, String... labels) {
    return samples.stream().anyMatch(s -> s.name().equals(name) && matches(s.labels(), labels));
  }

  private static boolean matches(Map<String, String> have, String... wanted) {
    for (int i = 0; i + 1 < wanted.length; i += 2) {
      if (!wanted[i + 1].equals(have.get(wanted[i]))) {
        return false;
      }
    }
    return true;
  }
}
