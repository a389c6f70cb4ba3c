package dev.ferry.api.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.function.ToIntFunction;

/**
 * What DO's numbered property enumerations ({@link DownloadProperty}, {@link DeliveryFileProperty},
 * {@link DownloadPropertyEx}) share: the lookup by number, and the way a property that stands for a
 * download property fails when it stands for none.
 */
final class PropertyNumbers {
  private PropertyNumbers() {}

  /**
   * The one of {@code properties} whose number is {@code value}; DO_E_UNKNOWN_PROPERTY_ID, naming
   * the enumeration as {@code kind}, when there is none.
   */
  static <E extends Enum<E>> E byNumber(
      E[] properties, ToIntFunction<E> number, int value, String kind) {
    for (E property : properties) {
      if (number.applyAsInt(property) == value) {
        return property;
      }
    }
    throw new FerryException(
        HResult.DO_E_UNKNOWN_PROPERTY_ID, "no " + kind + " has the number " + value);
  }

  /**
   * {@code target}, the download property {@code property} stands for; DO_E_UNKNOWN_PROPERTY_ID
   * saying that {@code property} {@code is} when it stands for none.
   */
  static DownloadProperty standsFor(DownloadProperty target, Enum<?> property, String is) {
    if (target == null) {
      throw new FerryException(HResult.DO_E_UNKNOWN_PROPERTY_ID, property + " " + is);
    }
    return target;
  }
}
