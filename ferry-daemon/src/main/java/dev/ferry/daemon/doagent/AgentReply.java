package dev.ferry.daemon.doagent;

import dev.ferry.api.HResult;
import java.nio.charset.StandardCharsets;

/**
 * A reply of the agent: a status and a JSON body, always present so that {@code Content-Length} is
 * always sent.
 *
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

  AgentReply closing() {
    return new AgentReply(status, json, true);
  }

  /**
   * The agent's mapping (RestHttpController::_HttpStatusFromHRESULT), widened to Ferry's own
   * not-found codes: not found 404, out of memory 503, the agent's own failures 500, everything
   * else 400. A refused peer gets 403, which the agent does not have (it answers 400).
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
    head.append("Content-Type: application/json\r\n");
    head.append("Content-Length: ").append(body.length).append("\r\n");
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

  static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 400 -> "Bad Request";
      case 403 -> "Forbidden";
      case 404 -> "Not Found";
      case 408 -> "Request Timeout";
      case 413 -> "Content Too Large";
      case 414 -> "URI Too Long";
      case 431 -> "Request Header Fields Too Large";
      case 500 -> "Internal Server Error";
      case 501 -> "Not Implemented";
      case 503 -> "Service Unavailable";
      default -> "Status";
    };
  }
}
