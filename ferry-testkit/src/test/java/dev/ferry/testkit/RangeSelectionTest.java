package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RangeSelectionTest {

  private static final long SIZE = 100;

  @ParameterizedTest(name = "{0} -> {1}..{2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=0-9       | 0  | 9",
        "bytes=10-       | 10 | 99",
        "bytes=-10       | 90 | 99",
        "bytes=-1000     | 0  | 99",
        "bytes=95-1000   | 95 | 99",
        "bytes=99-99     | 99 | 99",
        "BYTES = 3 - 4   | 3  | 4",
        "bytes=0-99999999999999999999999 | 0 | 99",
      })
  void satisfiableSingleRangesArePartial(String header, long first, long last) {
    assertThat(RangeSelection.parse(header, SIZE)).isEqualTo(new RangeSelection.Part(first, last));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=100-",
        "bytes=100-200",
        "bytes=-0",
        "bytes=99999999999999999999999-",
      })
  void rangesMissingTheContentAreUnsatisfiable(String header) {
    assertThat(RangeSelection.parse(header, SIZE)).isEqualTo(RangeSelection.UNSATISFIABLE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "bytes=0-1,5-6",
        "bytes=0-1,",
        "bytes=5-2",
        "bytes=abc",
        "bytes=",
        "bytes=-",
        "bytes=a-3",
        "bytes=1-b",
        "bytes=+1-3",
        "items=0-1",
        "0-1",
      })
  void multipleOrMalformedRangesSelectTheWhole(String header) {
    assertThat(RangeSelection.parse(header, SIZE)).isEqualTo(RangeSelection.WHOLE);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"bytes=-5", "bytes=0-", "bytes=0-0"})
  void nothingOfEmptyContentCanBeSelected(String header) {
    assertThat(RangeSelection.parse(header, 0)).isEqualTo(RangeSelection.UNSATISFIABLE);
  }
}
