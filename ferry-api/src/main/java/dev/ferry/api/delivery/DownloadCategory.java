package dev.ferry.api.delivery;

import dev.ferry.api.FerryException;
import dev.ferry.api.HResult;
import java.util.Set;

/**
 * DO_DOWNLOAD_ENUM_CATEGORY: enumerate only the downloads whose {@code property} equals {@code
 * value} exactly.
 */
public record DownloadCategory(DownloadProperty property, String value) {
  private static final Set<DownloadProperty> FILTERABLE =
      Set.of(
          DownloadProperty.ID,
          DownloadProperty.URI,
          DownloadProperty.CONTENT_ID,
          DownloadProperty.DISPLAY_NAME,
          DownloadProperty.LOCAL_PATH);

  public DownloadCategory {
    if (property == null || value == null) {
      throw new FerryException(HResult.E_INVALIDARG, "a category needs a property and a value");
    }
    if (!FILTERABLE.contains(property)) {
      throw new FerryException(
          HResult.E_INVALIDARG,
          property + " cannot filter downloads; use Id, Uri, ContentId, DisplayName or LocalPath");
    }
  }
}
