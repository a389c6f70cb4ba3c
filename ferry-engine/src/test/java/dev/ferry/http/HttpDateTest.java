package dev.ferry.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** HTTP dates: the fast reading of IMF-fixdate agrees with java.time, and the rest falls back. */
class HttpDateTest {
  @Test
  void imfFixdateIsTheInstantJavaTimeReads() {
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      Instant instant = Instant.ofEpochSecond(random.nextLong(4_102_444_800L));
      String text = DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atZone(ZoneOffset.UTC));
      assertThat(HttpDate.parse(text)).as(text).isEqualTo(instant);
    }
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 08:49:37 GMT"))
        .isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
  }

  @Test
  void otherFormsGoThroughJavaTime() {
    assertThat(HttpDate.parse(" Sun, 6 Nov 1994 08:49:37 GMT "))
        .isEqualTo(Instant.parse("1994-11-06T08:49:37Z"));
    assertThat(HttpDate.parse("Sun, 06 Nov 1994 09:49:37 +0100"))
        .isEqualTo(ZonedDateTime.parse("1994-11-06T08:49:37Z").toInstant());
  }

  @Test
  void whatIsNoDateIsRefused() {
    for (String bad :
        new String[] {
          "",
          "yesterday",
          "Sun, 06 Xyz 1994 08:49:37 GMT",
          "Sun, 31 Feb 1994 08:49:37 GMT",
          "Sun, 06 Nov 1994 24:49:37 GMT",
          "Sun, 06 Nov 19x4 08:49:37 GMT"
        }) {
      assertThatThrownBy(() -> HttpDate.parse(bad)).as(bad).isInstanceOf(DateTimeException.class);
    }
  }
}
