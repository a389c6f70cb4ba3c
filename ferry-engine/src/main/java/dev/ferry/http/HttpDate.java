package dev.ferry.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Dates of HTTP headers (Last-Modified, Retry-After). The form servers send, IMF-fixdate ("Sun, 06
 * Nov 1994 08:49:37 GMT"), is read by position (its weekday unchecked); anything else, and any
 * field out of range, goes through java.time's RFC 1123 parser. That parser is general and costly
 * for one date, most of its code runs too few times in a download to be compiled, and a download of
 * many small files reads a date for each. Its share of such a download: bench/README.md ("Figures
 * behind choices in the code").
 */
final class HttpDate {
  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";

  private HttpDate() {}

  /** The instant {@code value} names; DateTimeException when it is no HTTP date. */
  static Instant parse(String value) {
    String text = value.strip();
    Instant fixed = imfFixdate(text);
    return fixed != null
        ? fixed
        : ZonedDateTime.parse(text, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
  }

  private static Instant imfFixdate(String s) {
    if (s.length() != 29
        || s.charAt(3) != ','
        || s.charAt(4) != ' '
        || s.charAt(7) != ' '
        || s.charAt(11) != ' '
        || s.charAt(16) != ' '
        || s.charAt(19) != ':'
        || s.charAt(22) != ':'
        || !s.endsWith(" GMT")) {
      return null;
    }
    int month = MONTHS.indexOf(s.substring(8, 11));
    int day = digits(s, 5, 2);
    int year = digits(s, 12, 4);
    int hour = digits(s, 17, 2);
    int minute = digits(s, 20, 2);
    int second = digits(s, 23, 2);
    if (month < 0
        || month % 3 != 0
        || (day | year | hour | minute | second) < 0
        || hour > 23
        || minute > 59
        || second > 59) {
      return null;
    }
    try {
      long days = LocalDate.of(year, month / 3 + 1, day).toEpochDay();
      return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second);
    } catch (DateTimeException noSuchDay) {
      return null;
    }
  }

  /** The decimal number in {@code count} characters from {@code from}, or -1. */
  private static int digits(String s, int from, int count) {
    int n = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      n = n * 10 + (c - '0');
    }
    return n;
  }
}
