package dev.ferry.daemon.doagent;

import dev.ferry.api.HResult;
import java.nio.charset.StandardCharsets;

/**
 * A reply of the agent: a status and a JSON body. As the agent writes its replies, {@code
 * Content-Length} is sent with a body and left out without one, and the reason phrase is the
 * agent's name for the status, without spaces ({@code BadRequest}).
 *
 * @param json the body; empty for none
 * @param close whether the connection ends after this reply
 */
record AgentReply(int status, String json, boolean close) {
  /** HRESULT_FROM_WIN32(ERROR_UNHANDLED_EXCEPTION): what the agent reports for its own failures. */
  static final int UNHANDLED_EXCEPTION = HResult.fromWin32(574);

  static AgentReply ok(String json) {
    return new AgentReply(200, json, false);
  }

  /** {@code {"ErrorCode": hresult}} with the agent's status for that HRESULT. */
  static AgentReply error(int hresult) {
    return new AgentReply(statusFor(hresult), "{\"ErrorCode\":" + hresult + "}", false);
  }

  /** The agent's answer to a request its parser rejects: 400 without a body; then it closes. */
  static AgentReply malformed() {
    return new AgentReply(400, "", true);
  }

  AgentReply closing() {
    return new AgentReply(status, json, true);
  }

  /**
   * The agent's mapping from HRESULT to status, widened to Ferry's own not-found codes: not found
   * 404, out of memory 503, the agent's own failures 500, everything else 400. ferryd's own
   * refusals, which the agent does not have (a user a per-user agent does not serve, a request from
   * a web page, a destination the agent's user may not write), carry E_ACCESSDENIED and get 403.
   */
  static int statusFor(int hresult) {
    HResult code = HResult.of(hresult).orElse(null);
    if (hresult == UNHANDLED_EXCEPTION || code == HResult.E_UNEXPECTED) {
      return 500;
    }
    if (code == null) {
      return 400;
    }
    return switch (code) {
      case S_OK -> 200;
      case E_NOT_SET, DO_E_JOB_NOT_FOUND, BG_E_NOT_FOUND -> 404;
      case E_OUTOFMEMORY -> 503;
      case E_ACCESSDENIED -> 403;
      default -> 400;
    };
  }

  /** The whole reply on the wire: status line with a reason phrase, headers, body. */
  byte[] encode() {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder(128);
    head.append("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    if (body.length > 0) {
      head.append("Content-Type: application/json\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("Server: ferryd-do-agent\r\n");
    if (close) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    byte[] start = head.toString().getBytes(StandardCharsets.US_ASCII);
    byte[] all = new byte[start.length + body.length];
    System.arraycopy(start, 0, all, 0, start.length);
    System.arraycopy(body, 0, all, start.length, body.length);
    return all;
  }

  /**
   * The agent's reason phrases, which are the names of its status constants; {@code Forbidden}, for
   * ferryd's own refusals, is named the same way.
   */
  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "BadRequest";
      case 403 -> "Forbidden";
      case 404 -> "NotFound";
      case 500 -> "InternalError";
      case 503 -> "ServiceUnavailable";
      default -> "StatusDescription";
    };
  }
}
