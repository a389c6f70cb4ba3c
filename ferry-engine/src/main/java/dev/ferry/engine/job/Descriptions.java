package dev.ferry.engine.job;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.Locale;

/** Error texts. Ferry has English text only; other languages get ERROR_RESOURCE_LANG_NOT_FOUND. */
final class Descriptions {
  private Descriptions() {}

  static void checkLanguage(Locale locale) {
    if (locale != null && !locale.getLanguage().isEmpty() && !locale.getLanguage().equals("en")) {
      throw new FerryException(
          HResult.ERROR_RESOURCE_LANG_NOT_FOUND,
          "there is no text in " + locale.getDisplayLanguage(Locale.ENGLISH));
    }
  }

  static String describe(int hresult, Locale locale) {
    checkLanguage(locale);
    return HResult.describe(hresult);
  }
}
