package dev.ferry.testkit;

import java.util.Map;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * Decides the reply to a GET or HEAD from the path's current resource, the request's range headers
 * and the fault in force. Kept free of I/O so the HTTP semantics live in one place.
 */
final class Planner {

  private Planner() {}

  /**
   * The reply for a request whose Range and If-Range headers are {@code range} and {@code ifRange};
   * {@code resource}, {@code range}, {@code ifRange} and {@code fault} may be null.
   */
  static Reply plan(Resource resource, String range, String ifRange, Fault fault) {
    return switch (fault) {
      case Fault.Status f ->
          Reply.text(f.code(), f.headers(), "status " + f.code() + " injected\n");
      case Fault.Redirect f ->
          Reply.text(f.status(), Map.of("Location", f.location()), "see " + f.location() + "\n");
      case null, default -> resource == null ? notFound() : serve(resource, range, ifRange, fault);
    };
  }

  private static Reply notFound() {
    return Reply.text(404, Map.of(), "nothing at this path\n");
  }

  private static Reply serve(Resource resource, String range, String ifRange, Fault fault) {
    RangeSelection selection =
        switch (fault) {
          case Fault.IgnoreRange f -> RangeSelection.WHOLE;
          case Fault.IgnoreIfRange f ->
              range == null ? RangeSelection.WHOLE : RangeSelection.parse(range, resource.size());
          case Fault.RangeNotSatisfiable f -> RangeSelection.UNSATISFIABLE;
          // Without an ETag of its own, the server cannot match one.
          case Fault.NoEtag f ->
              ifRange != null
                      && (ifRange.strip().startsWith("\"") || ifRange.strip().startsWith("W/"))
                  ? RangeSelection.WHOLE
                  : RangeSelection.of(range, ifRange, resource);
          case Fault.WrongContentRange f ->
              offByOne(RangeSelection.of(range, ifRange, resource), resource.size());
          case null, default -> RangeSelection.of(range, ifRange, resource);
        };
    Resource advertised = fault instanceof Fault.ChangeEtag ? resource.successor() : resource;
    HttpFields.Mutable headers =
        HttpFields.build()
            .put(HttpHeader.CONTENT_TYPE, "application/octet-stream")
            .put(HttpHeader.ACCEPT_RANGES, "bytes");
    if (!(fault instanceof Fault.NoEtag)) {
      headers.put(HttpHeader.ETAG, advertised.etag());
    }
    headers.put(HttpHeader.LAST_MODIFIED, advertised.lastModifiedHttp());
    long size = resource.size();
    int status;
    Body body;
    switch (selection) {
      case RangeSelection.Whole w -> {
        status = 200;
        body = new Body(resource.content(), 0, size);
      }
      case RangeSelection.Part p -> {
        status = 206;
        body = new Body(resource.content(), p.first(), p.length());
        headers.put(HttpHeader.CONTENT_RANGE, "bytes " + p.first() + "-" + p.last() + "/" + size);
      }
      case RangeSelection.Unsatisfiable u -> {
        status = 416;
        body = Body.EMPTY;
        headers.put(HttpHeader.CONTENT_RANGE, "bytes */" + size);
      }
    }
    if (fault instanceof Fault.ContentRange f) {
      headers.put(HttpHeader.CONTENT_RANGE, f.value());
    }
    boolean announceLength = !(fault instanceof Fault.NoContentLength);
    return new Reply(status, headers, body, announceLength, Delivery.of(fault, body.length()));
  }

  /**
   * The selection one byte later than {@code asked} (earlier at the end of the content), always as
   * a partial answer so a client that asked for everything still gets a 206 to check.
   */
  private static RangeSelection offByOne(RangeSelection asked, long size) {
    RangeSelection.Part part =
        switch (asked) {
          case RangeSelection.Part p -> p;
          case RangeSelection.Whole w -> new RangeSelection.Part(0, size - 1);
          case RangeSelection.Unsatisfiable u -> null;
        };
    if (part == null || size < 2) {
      return asked;
    }
    if (part.first() + 1 < size) {
      return new RangeSelection.Part(part.first() + 1, Math.max(part.last(), part.first() + 1));
    }
    return new RangeSelection.Part(part.first() - 1, part.last() - 1);
  }
}
