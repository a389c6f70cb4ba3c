package dev.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a get says which attempt failed. */
class GetRunTest {
  @Test
  void ordinalsReadAsEnglish() {
    assertThat(GetRun.ordinal(1)).isEqualTo("1st");
    assertThat(GetRun.ordinal(2)).isEqualTo("2nd");
    assertThat(GetRun.ordinal(3)).isEqualTo("3rd");
    assertThat(GetRun.ordinal(4)).isEqualTo("4th");
    assertThat(GetRun.ordinal(11)).isEqualTo("11th");
    assertThat(GetRun.ordinal(12)).isEqualTo("12th");
    assertThat(GetRun.ordinal(13)).isEqualTo("13th");
    assertThat(GetRun.ordinal(21)).isEqualTo("21st");
    assertThat(GetRun.ordinal(22)).isEqualTo("22nd");
    assertThat(GetRun.ordinal(111)).isEqualTo("111th");
  }
}
