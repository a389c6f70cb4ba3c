package dev.ferry.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.api.HResult;
import dev.ferry.rest.Json;
import dev.ferry.rest.Problem;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Answers the requests Jetty refuses before they reach Javalin (a malformed request line, headers
 * too large, an unsupported HTTP version) with a {@link Problem}, like every other failure, instead
 * of Jetty's HTML page. A request the daemon cannot parse is the client's fault: Jetty's 505 for
 * HTTP/0.9 or an unknown version becomes 400, so such garbage never shows as a server error.
 */
final class ProblemErrorHandler extends ErrorHandler {
  /**
   * Jetty's own handler writes no body for methods other than GET, POST and HEAD (a PUT with a
   * malformed target got an empty 400); every method gets its Problem here.
   */
  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    int code =
        request.getAttribute(ERROR_STATUS) instanceof Integer status
            ? status
            : response.getStatus();
    String message =
        request.getAttribute(ERROR_MESSAGE) instanceof String text
            ? text
            : org.eclipse.jetty.http.HttpStatus.getMessage(code);
    generateResponse(request, response, code, message, null, callback);
    return true;
  }

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    int status = code == 505 ? 400 : code;
    HResult hresult = status >= 500 ? HResult.E_UNEXPECTED : HResult.E_INVALIDARG;
    String text = message == null || message.isBlank() ? "the request is malformed" : message;
    byte[] body;
    try {
      body = Json.mapper().writeValueAsBytes(Problem.of(hresult, "bad request: " + text));
    } catch (JsonProcessingException e) {
      callback.failed(e);
      return;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(body), callback);
  }
}
