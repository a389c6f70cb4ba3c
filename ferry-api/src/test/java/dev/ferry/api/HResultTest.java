package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class HResultTest {
  @Test
  void keepsTheDocumentedValues() {
    assertThat(HResult.BG_E_NOT_FOUND.value()).isEqualTo(0x80200001);
    assertThat(HResult.BG_E_INVALID_STATE.value()).isEqualTo(0x80200002);
    assertThat(HResult.BG_S_PARTIAL_COMPLETE.value()).isEqualTo(0x00200017);
    assertThat(HResult.BG_E_TOO_MANY_JOBS_PER_MACHINE.value()).isEqualTo(0x80200050);
    assertThat(HResult.DO_E_INVALID_STATE.value()).isEqualTo(0x80D02013);
    assertThat(HResult.E_INVALIDARG.value()).isEqualTo(0x80070057);
  }

  @Test
  void everyListedCodeHasADistinctValueAndText() {
    Set<Integer> seen = new HashSet<>();
    for (HResult code : HResult.values()) {
      assertThat(seen.add(code.value())).as(code.name()).isTrue();
      assertThat(code.message()).isNotBlank();
      assertThat(HResult.of(code.value())).contains(code);
    }
  }

  @Test
  void buildsHttpAndWin32Codes() {
    assertThat(HResult.httpError(404)).isEqualTo(0x80190194);
    assertThat(HResult.httpError(416)).isEqualTo(0x801901A0);
    assertThat(HResult.httpStatusOf(0x801901F7)).isEqualTo(503);
    assertThat(HResult.httpStatusOf(HResult.BG_E_NOT_FOUND.value())).isEqualTo(-1);
    assertThat(HResult.nameOf(HResult.httpError(404))).isEqualTo("BG_E_HTTP_ERROR_404");
    assertThat(HResult.describe(HResult.httpError(404))).contains("404").contains("Not Found");
    assertThat(HResult.fromWin32(112)).isEqualTo(HResult.ERROR_DISK_FULL.value());
    assertThat(HResult.nameOf(0x80041234)).isEqualTo("0x80041234");
  }

  @Test
  void buildsTheLinuxAgentsErrnoCodes() {
    assertThat(HResult.fromErrno(17)).isEqualTo(0xC0D00011);
    assertThat(HResult.fromErrno(2)).isEqualTo(0xC0D00002);
    assertThat(HResult.errnoOf(0xC0D00011)).isEqualTo(17);
    assertThat(HResult.errnoOf(HResult.E_ACCESSDENIED.value())).isEqualTo(-1);
    assertThat(HResult.nameOf(0xC0D00011)).isEqualTo("EEXIST");
    assertThat(HResult.nameOf(0xC0D00063)).isEqualTo("0xC0D00063");
    assertThat(HResult.describe(0xC0D00002)).contains("errno 2").contains("ENOENT");
    assertThat(HResult.succeeded(HResult.fromErrno(13))).isFalse();
    assertThat(HResult.INET_E_INVALID_URL.value()).isEqualTo(0x800C0002);
  }

  @Test
  void successCodesAreNotExceptions() {
    assertThat(HResult.succeeded(HResult.BG_S_PARTIAL_COMPLETE.value())).isTrue();
    assertThat(HResult.succeeded(HResult.BG_E_EMPTY.value())).isFalse();
    assertThatThrownBy(() -> new FerryException(HResult.S_OK))
        .isInstanceOf(IllegalArgumentException.class);
    FerryException e = new FerryException(HResult.BG_E_EMPTY);
    assertThat(e.hresult()).isEqualTo(0x80200003);
    assertThat(e.hresultName()).isEqualTo("BG_E_EMPTY");
    assertThat(e.is(HResult.BG_E_EMPTY)).isTrue();
  }

  @Test
  void enumsKeepTheirNumbersAndRejectUndefinedOnes() {
    assertThat(JobState.CANCELLED.value()).isEqualTo(8);
    assertThat(JobState.of(5)).isEqualTo(JobState.TRANSIENT_ERROR);
    assertThat(JobPriority.LOW.value()).isEqualTo(3);
    assertThatThrownBy(() -> JobPriority.of(4))
        .isInstanceOf(FerryException.class)
        .extracting(t -> ((FerryException) t).hresult())
        .isEqualTo(HResult.E_NOTIMPL.value());
    assertThat(ErrorContext.SERVER_CERTIFICATE_CALLBACK.value()).isEqualTo(8);
    assertThat(JobPropertyId.MINIMUM_NOTIFICATION_INTERVAL_MS.value()).isEqualTo(9);
    assertThatThrownBy(() -> JobPropertyId.of(6))
        .isInstanceOf(FerryException.class)
        .extracting(t -> ((FerryException) t).hresult())
        .isEqualTo(HResult.BG_E_UNKNOWN_PROPERTY_ID.value());
  }

  @Test
  void notifyFlagsRoundTripAndRejectUndefinedBits() {
    assertThat(NotifyFlag.toMask(EnumSet.of(NotifyFlag.JOB_TRANSFERRED, NotifyFlag.JOB_ERROR)))
        .isEqualTo(3);
    assertThat(NotifyFlag.fromMask(0x3F)).containsExactlyInAnyOrder(NotifyFlag.values());
    assertThatThrownBy(() -> NotifyFlag.fromMask(0x40))
        .isInstanceOf(FerryException.class)
        .extracting(t -> ((FerryException) t).hresult())
        .isEqualTo(HResult.E_NOTIMPL.value());
  }

  @Test
  void rangesParseBitsadminSyntax() {
    assertThat(FileRange.parse("100:50")).isEqualTo(new FileRange(100, 50));
    assertThat(FileRange.parse("7:eof").toEndOfFile()).isTrue();
    assertThatThrownBy(() -> FileRange.parse("7")).isInstanceOf(FerryException.class);
    assertThatThrownBy(() -> new FileRange(0, 0))
        .isInstanceOf(FerryException.class)
        .extracting(t -> ((FerryException) t).hresult())
        .isEqualTo(HResult.BG_E_INVALID_RANGE.value());
  }
}
