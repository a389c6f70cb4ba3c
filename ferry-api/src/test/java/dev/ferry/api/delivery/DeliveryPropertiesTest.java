package dev.ferry.api.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import org.junit.jupiter.api.Test;

/** The DO property enumerations: their numbers, types, access, mappings and lookups. */
class DeliveryPropertiesTest {
  @Test
  void aFilePropertyHasTheTypeAndAccessOfTheDownloadPropertyItStandsFor() {
    assertThat(DeliveryFileProperty.values())
        .extracting(
            DeliveryFileProperty::value, DeliveryFileProperty::type, DeliveryFileProperty::access)
        .containsExactly(
            tuple(0, PropertyType.STRING, PropertyAccess.WRITE_ONLY),
            tuple(1, PropertyType.STRING, PropertyAccess.WRITE_ONLY),
            tuple(2, PropertyType.BOOLEAN, PropertyAccess.READ_WRITE),
            tuple(3, PropertyType.SINK, PropertyAccess.READ_WRITE),
            tuple(4, PropertyType.STRING, PropertyAccess.READ_WRITE),
            tuple(5, PropertyType.SINK, PropertyAccess.READ_WRITE),
            tuple(6, PropertyType.UINT64, PropertyAccess.READ_WRITE));
    assertThat(DeliveryFileProperty.DOWNLOAD_SINK_INTERFACE.downloadProperty())
        .isEqualTo(DownloadProperty.STREAM_INTERFACE);
    assertThat(DeliveryFileProperty.DOWNLOAD_SINK_FILE_PATH.downloadProperty())
        .isEqualTo(DownloadProperty.LOCAL_PATH);
    assertThat(DeliveryFileProperty.TOTAL_SIZE_BYTES.downloadProperty())
        .isEqualTo(DownloadProperty.TOTAL_SIZE_BYTES);
    assertUnknown(
        DeliveryFileProperty.DOWNLOAD_SINK_MEMORY_STREAM::downloadProperty,
        "DOWNLOAD_SINK_MEMORY_STREAM is deprecated");
  }

  @Test
  void downloadPropertiesKeepTheirNumbersTypesAccessAndDefaults() {
    assertThat(DownloadProperty.values()).hasSize(39);
    for (DownloadProperty property : DownloadProperty.values()) {
      if (property.value() < 1000) {
        assertThat(property.value()).as("DO's numbers").isEqualTo(property.ordinal());
      }
      assertThat(DownloadProperty.of(property.value())).isSameAs(property);
      assertThat(DownloadProperty.named(property.doName())).isSameAs(property);
      assertThat(DownloadProperty.named(property.name())).isSameAs(property);
    }
    assertThat(DownloadProperty.ID.access()).isEqualTo(PropertyAccess.READ_ONLY);
    assertThat(DownloadProperty.SECURITY_CONTEXT.type()).isEqualTo(PropertyType.BYTES);
    assertThat(DownloadProperty.SECURITY_CONTEXT.access()).isEqualTo(PropertyAccess.WRITE_ONLY);
    assertThat(DownloadProperty.CALLBACK_FREQ_SECONDS.defaultValue()).isEqualTo(1);
    assertThat(DownloadProperty.HTTP_SERVER_IP_ADDRESS.doName()).isEqualTo("HttpServerIPAddress");
    assertThat(DownloadProperty.named("DODownloadProperty_NoProgressTimeoutSeconds"))
        .isEqualTo(DownloadProperty.NO_PROGRESS_TIMEOUT_SECONDS);
    assertThat(DownloadProperty.named(" 4 ")).isEqualTo(DownloadProperty.LOCAL_PATH);
    assertThat(DownloadProperty.of(1002))
        .as("Ferry's, as the job property's number")
        .isEqualTo(DownloadProperty.CACHE_HOSTS);
    assertThat(DownloadProperty.CACHE_FALLBACK_DELAY.type().coerce(-1L, "delay"))
        .as("a signed type: -1 is never")
        .isEqualTo(-1);
    assertThat(DownloadProperty.named("CacheFallbackDelay"))
        .isEqualTo(DownloadProperty.CACHE_FALLBACK_DELAY);
    assertUnknown(() -> DownloadProperty.named("Nope"), "no download property Nope");
    assertUnknown(() -> DownloadProperty.named(null), "no download property null");
  }

  @Test
  void anUnknownNumberIsDoUnknownPropertyIdInEveryEnumeration() {
    assertUnknown(() -> DownloadProperty.of(30), "no download property has the number 30");
    assertUnknown(() -> DownloadProperty.of(-1), "no download property has the number -1");
    assertUnknown(() -> DeliveryFileProperty.of(7), "no DO file property has the number 7");
    assertUnknown(() -> DownloadPropertyEx.of(7), "no DODownloadPropertyEx has the number 7");
    assertThat(DeliveryFileProperty.of(6)).isEqualTo(DeliveryFileProperty.TOTAL_SIZE_BYTES);
    assertThat(DownloadPropertyEx.of(5)).isEqualTo(DownloadPropertyEx.TOTAL_SIZE_BYTES);
    assertThat(DownloadPropertyEx.CORRELATION_VECTOR.current())
        .isEqualTo(DownloadProperty.CORRELATION_VECTOR);
    assertUnknown(
        DownloadPropertyEx.UPDATE_ID::current, "UPDATE_ID is reserved and has no meaning");
  }

  private static org.assertj.core.groups.Tuple tuple(Object... values) {
    return org.assertj.core.groups.Tuple.tuple(values);
  }

  private static void assertUnknown(Runnable call, String message) {
    assertThatThrownBy(call::run)
        .isInstanceOfSatisfying(
            FerryException.class, e -> assertThat(e.is(HResult.DO_E_UNKNOWN_PROPERTY_ID)).isTrue())
        .hasMessageContaining(message);
  }
}
