package dev.ferry.testkit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * ferryd's log lines read back: each logfmt line ({@code key=value}, values quoted and escaped when
 * they must be) as its fields, with the journal's {@code <N>} prefix apart. Lines that are not
 * logfmt (the "listening" line on stdout, the test kit's markers) are left out.
 */
public final class LogLines {
  private LogLines() {}

  /**
   * One line.
   *
   * @param priority the {@code <N>} prefix's N, or -1 without one
   * @param fields the keys and values in their order
   * @param text the line as printed
   */
  public record Line(int priority, Map<String, String> fields, String text) {
    public String get(String key) {
      return fields.get(key);
    }

    public boolean has(String key, String value) {
      return value.equals(fields.get(key));
    }
  }

  /** The logfmt lines of {@code log}, those with a {@code level}. */
  public static List<Line> of(String log) {
    List<Line> lines = new ArrayList<>();
    for (String text : log.lines().toList()) {
      int priority = -1;
      String rest = text;
      if (rest.length() > 3 && rest.charAt(0) == '<' && rest.charAt(2) == '>') {
        priority = rest.charAt(1) - '0';
        rest = rest.substring(3);
      }
      Map<String, String> fields = parse(rest);
      if (fields.containsKey("level")) {
        lines.add(new Line(priority, fields, text));
      }
    }
    return lines;
  }

  /** The lines of {@code log} that {@code which} accepts. */
  public static List<Line> matching(String log, Predicate<Line> which) {
    return of(log).stream().filter(which).toList();
  }

  /** The fields of one logfmt line; empty when it is none. */
  public static Map<String, String> parse(String line) {
    Map<String, String> fields = new LinkedHashMap<>();
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      int eq = line.indexOf('=', i);
      int space = line.indexOf(' ', i);
      if (i >= n || eq < 0 || (space >= 0 && space < eq)) {
        return i >= n ? fields : Collections.emptyMap();
      }
      String key = line.substring(i, eq);
      i = eq + 1;
      StringBuilder value = new StringBuilder();
      if (i < n && line.charAt(i) == '"') {
        i++;
        while (i < n && line.charAt(i) != '"') {
          char c = line.charAt(i++);
          if (c == '\\' && i < n) {
            char escaped = line.charAt(i++);
            switch (escaped) {
              case 'n' -> value.append('\n');
              case 'r' -> value.append('\r');
              case 't' -> value.append('\t');
              case 'u' -> {
                value.append((char) Integer.parseInt(line.substring(i, i + 4), 16));
                i += 4;
              }
              default -> value.append(escaped);
            }
          } else {
            value.append(c);
          }
        }
        if (i >= n) {
          return Collections.emptyMap();
        }
        i++;
      } else {
        while (i < n && line.charAt(i) != ' ') {
          value.append(line.charAt(i++));
        }
      }
      fields.put(key, value.toString());
    }
    return fields;
  }
}
