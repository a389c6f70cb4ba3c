package dev.ferry.spi;

/**
 * What DO reports about the last response: its status code, the server's address, and where
 * redirects led (null when there was none).
 */
public record ResponseInfo(int statusCode, String serverAddress, String redirectTarget) {
  public static final ResponseInfo NONE = new ResponseInfo(0, null, null);
}
