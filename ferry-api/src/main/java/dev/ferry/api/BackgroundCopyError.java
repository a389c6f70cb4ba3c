package dev.ferry.api;

import java.util.Locale;
import java.util.Optional;

/**
 * IBackgroundCopyError: a snapshot of why a job is in ERROR or TRANSIENT_ERROR. It stays readable
 * after the job moves on.
 */
public interface BackgroundCopyError {
  ErrorContext context();

  /** The failing HRESULT. */
  int code();

  /** The file being transferred when the error happened; empty for BG_E_FILE_NOT_AVAILABLE. */
  Optional<BackgroundCopyFile> file();

  /**
   * GetErrorDescription.
   *
   * @throws FerryException ERROR_RESOURCE_LANG_NOT_FOUND when there is no text in that language
   */
  String errorDescription(Locale locale);

  /** GetErrorContextDescription. */
  String contextDescription(Locale locale);

  /** GetProtocol: "http" or "file"; empty for BG_E_PROTOCOL_NOT_AVAILABLE. */
  Optional<String> protocol();
}
