package dev.ferry.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Each rule's HRESULT and text; the contract suites check them through both implementations. */
class ArgumentRulesTest {
  @Test
  void fileArguments() {
    assertFails(() -> ArgumentRules.fileSet(null), HResult.E_INVALIDARG, "no files given");
    assertThat(ArgumentRules.fileSet(List.of())).isEmpty();
    assertFails(() -> ArgumentRules.ranges(List.of()), HResult.E_INVALIDARG, "at least one range");
    assertFails(() -> ArgumentRules.ranges(null), HResult.E_INVALIDARG, "at least one range");
  }

  @Test
  void notifyFlagsBecomeTheMask() {
    assertFails(() -> ArgumentRules.notifyFlags(null), HResult.E_INVALIDARG, "empty set");
    assertThat(ArgumentRules.notifyFlags(Set.of())).isZero();
    assertThat(ArgumentRules.notifyFlags(Set.of(NotifyFlag.values())))
        .isEqualTo(NotifyFlag.toMask(Set.of(NotifyFlag.values())));
  }

  @Test
  void durationsAreWholeSecondsRoundedUpWithin32Bits() {
    assertThat(ArgumentRules.seconds(Duration.ZERO, "delay")).isZero();
    assertThat(ArgumentRules.seconds(Duration.ofMillis(1001), "delay")).isEqualTo(2);
    assertThat(ArgumentRules.seconds(Duration.ofSeconds(0xFFFFFFFFL), "delay"))
        .isEqualTo(0xFFFFFFFFL);
    assertFails(
        () -> ArgumentRules.seconds(Duration.ofSeconds(0xFFFFFFFFL).plusNanos(1), "delay"),
        HResult.E_INVALIDARG,
        "the delay does not fit in 32 bits of seconds");
    assertFails(
        () -> ArgumentRules.seconds(Duration.ofSeconds(-1), "delay"),
        HResult.E_INVALIDARG,
        "the delay must be zero or more");
    assertFails(() -> ArgumentRules.seconds(null, "delay"), HResult.E_INVALIDARG, "zero or more");
  }

  @Test
  void proxySettings() {
    String longest = "p".repeat(ArgumentRules.MAX_PROXY_LIST);
    ProxySettings override = new ProxySettings(ProxyUsage.OVERRIDE, longest, longest);
    assertThat(ArgumentRules.proxySettings(override)).isSameAs(override);
    assertFails(() -> ArgumentRules.proxySettings(null), HResult.E_INVALIDARG, "required");
    assertFails(
        () -> ArgumentRules.proxySettings(new ProxySettings(ProxyUsage.NO_PROXY, "p", null)),
        HResult.E_INVALIDARG,
        "only with OVERRIDE");
    assertFails(
        () -> ArgumentRules.proxySettings(new ProxySettings(ProxyUsage.OVERRIDE, " ", null)),
        HResult.E_INVALIDARG,
        "OVERRIDE needs a proxy list");
    assertFails(
        () ->
            ArgumentRules.proxySettings(
                new ProxySettings(ProxyUsage.OVERRIDE, longest + "p", null)),
        HResult.BG_E_PROXY_LIST_TOO_LARGE,
        "the proxy list is longer than 4000 characters");
    assertFails(
        () ->
            ArgumentRules.proxySettings(new ProxySettings(ProxyUsage.OVERRIDE, "p", longest + "p")),
        HResult.BG_E_PROXY_BYPASS_LIST_TOO_LARGE,
        "the bypass list is longer than 4000 characters");
  }

  @Test
  void customHeaders() {
    assertThat(ArgumentRules.customHeaders(null)).isNull();
    String longest = "h".repeat(ArgumentRules.MAX_CUSTOM_HEADERS);
    assertThat(ArgumentRules.customHeaders(longest)).isSameAs(longest);
    assertFails(
        () -> ArgumentRules.customHeaders(longest + "h"),
        HResult.BG_E_STRING_TOO_LONG,
        "custom headers are limited to 16384 characters");
  }

  @Test
  void groupIdsAreGuidsWithOrWithoutBraces() {
    java.util.UUID group = java.util.UUID.fromString("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70");
    assertThat(ArgumentRules.groupId("6A1F0D4E-8C2B-4F61-9B7A-2F3C4D5E6F70")).isEqualTo(group);
    assertThat(ArgumentRules.groupId(" {6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6f70} ")).isEqualTo(group);
    // UUID.fromString would take this short form: a Group ID is a GUID in full.
    assertFails(
        () -> ArgumentRules.groupId("1-2-3-4-5"),
        HResult.E_INVALIDARG,
        "'1-2-3-4-5' is not a GUID (8-4-4-4-12 hex digits)");
    assertFails(
        () -> ArgumentRules.groupId("6a1f0d4e-8c2b-4f61-9b7a-2f3c4d5e6fzz"),
        HResult.E_INVALIDARG,
        "is not a GUID");
    assertFails(() -> ArgumentRules.groupId("my-group"), HResult.E_INVALIDARG, "is not a GUID");
  }

  @Test
  void trackersAreHttpHttpsOrUdpAnnounceUrls() {
    assertThat(ArgumentRules.trackers(null)).isEmpty();
    assertThat(
            ArgumentRules.trackers(
                " http://t.lan/announce, ,https://t.example:443/a,udp://10.0.0.1:6969"))
        .extracting(java.net.URI::toString)
        .containsExactly("http://t.lan/announce", "https://t.example:443/a", "udp://10.0.0.1:6969");
    assertFails(
        () -> ArgumentRules.trackers("http://t.lan/announce,wss://t.lan/"),
        HResult.E_INVALIDARG,
        "'wss://t.lan/' is not a tracker's announce URL (http://, https:// or udp://HOST:PORT)");
    assertFails(
        () -> ArgumentRules.tracker("udp://10.0.0.1"),
        HResult.E_INVALIDARG,
        "a UDP tracker's URL needs its port");
    assertFails(() -> ArgumentRules.tracker("http://a b/"), HResult.E_INVALIDARG, "is not a URL");
    assertFails(
        () -> ArgumentRules.tracker("tracker.lan:6969"),
        HResult.E_INVALIDARG,
        "is not a tracker's announce URL");
  }

  @Test
  void properties() {
    assertFails(
        () -> ArgumentRules.propertyId((JobPropertyId) null),
        HResult.BG_E_UNKNOWN_PROPERTY_ID,
        "a property id is required");
    assertFails(
        () -> ArgumentRules.propertyId((FilePropertyId) null),
        HResult.BG_E_UNKNOWN_PROPERTY_ID,
        "a property id is required");
    assertFails(() -> ArgumentRules.propertyValue(null), HResult.E_INVALIDARG, "a property value");
    assertFails(
        () -> ArgumentRules.setFileProperty(null),
        HResult.BG_E_UNKNOWN_PROPERTY_ID,
        "a property id is required");
    assertFails(
        () -> ArgumentRules.setFileProperty(FilePropertyId.HTTP_RESPONSE_HEADERS),
        HResult.BG_E_READ_ONLY_PROPERTY,
        "HTTP_RESPONSE_HEADERS is read-only");
  }

  private static void assertFails(Runnable call, HResult code, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(FerryException.class, e -> assertThat(e.is(code)).isTrue())
        .hasMessageContaining(message);
  }
}
