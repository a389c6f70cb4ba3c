package dev.ferry.testkit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** Every fault, seen from the client: over HttpClient where it copes, raw where it does not. */
class FaultTest extends HttpTestSupport {

  private static final Content CONTENT = Content.random(100_000, 4);
  private static final Duration ONE_SECOND = Duration.ofSeconds(1);

  @Test
  void statusReplacesTheResponse() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.status(500));

    HttpResponse<byte[]> response = get("f");

    assertThat(response.statusCode()).isEqualTo(500);
    assertThat(response.body()).isNotEmpty().hasSizeLessThan(100);
  }

  @Test
  void statusCarriesTheGivenHeadersEvenWithoutContent() throws Exception {
    origin.fault("nothing", Fault.status(503, Map.of("Retry-After", "7")));

    HttpResponse<byte[]> response = get("nothing");

    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(header(response, "Retry-After")).isEqualTo("7");
  }

  @Test
  void resetAfterCutsTheBodyWithAReset() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.resetAfter(1234));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", GENEROUS);

    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.header("content-length")).contains("100000");
    assertThat(raw.rest()).isEqualTo(CONTENT.slice(0, 1234));
    assertThat(raw.end()).isEqualTo(RawHttp.End.RESET);
    assertThatThrownBy(() -> get("f")).isInstanceOf(IOException.class);
  }

  @Test
  void resetAfterCutsARangeRelativeToItsStart() throws Exception {
    origin.put("f", CONTENT);
    origin.faultOnce("f", Fault.resetAfter(10));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", GENEROUS, "Range: bytes=500-");

    assertThat(raw.status()).isEqualTo(206);
    assertThat(raw.rest()).isEqualTo(CONTENT.slice(500, 10));
    assertThat(raw.end()).isEqualTo(RawHttp.End.RESET);
    assertThat(origin.bytesServed("f")).isEqualTo(10);
  }

  @Test
  void resetAfterDeliversEveryPromisedByteOfALargeBody() throws Exception {
    Content big = Content.random(40L << 20, 8);
    origin.put("big", big);
    origin.faultOnce("big", Fault.resetAfter(30L << 20));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/big", GENEROUS);

    assertThat(raw.end()).isEqualTo(RawHttp.End.RESET);
    assertThat(raw.rest().length).isEqualTo(30 << 20);
  }

  @Test
  void stallSendsHeadersButNoBody() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.stall(Duration.ofMinutes(1)));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", ONE_SECOND);

    assertThat(raw.status()).isEqualTo(200);
    assertThat(raw.header("content-length")).contains("100000");
    assertThat(raw.rest()).isEmpty();
    assertThat(raw.end()).isEqualTo(RawHttp.End.TIMEOUT);
  }

  @Test
  void stallEndsInAnAbort() throws Exception {
    origin.put("f", CONTENT);
    origin.faultOnce("f", Fault.stall(Duration.ofMillis(200)));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", GENEROUS);

    assertThat(raw.rest()).isEmpty();
    assertThat(raw.end()).isEqualTo(RawHttp.End.RESET);
  }

  @Test
  void closingTheOriginCutsAStallShort() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.stall(Duration.ofMinutes(5)));
    CompletableFuture<RawHttp.Exchange> stalled =
        CompletableFuture.supplyAsync(() -> {
          try {
            return RawHttp.exchange(origin, "GET", "/f", GENEROUS);
          } catch (IOException e) {
            throw new RuntimeException(e);
          }
        });
    await().atMost(GENEROUS).until(() -> !origin.requests("f").isEmpty());

    assertTimeoutPreemptively(GENEROUS, origin::close);
    assertThat(stalled.get().end()).isNotEqualTo(RawHttp.End.TIMEOUT);
  }

  @Test
  void throttleServesEverythingSlowly() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.throttle(64 * 1024));
    long start = System.nanoTime();

    HttpResponse<byte[]> response = get("f", "Range", "bytes=0-32767");

    // Half a second at most leaves no room for a slow machine to fail this, only a broken pacer.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThan(Duration.ofMillis(250));
    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(CONTENT.slice(0, 32768));
  }

  @Test
  void ignoreRangeAnswersWithTheWholeBody() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.ignoreRange());

    HttpResponse<byte[]> response = get("f", "Range", "bytes=10-19");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(header(response, "Content-Range")).isNull();
    assertThat(response.body()).isEqualTo(CONTENT.bytes());
  }

  @Test
  void noContentLengthSendsChunkedBodies() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.noContentLength());

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", ONE_SECOND);
    HttpResponse<byte[]> whole = get("f");
    HttpResponse<byte[]> part = get("f", "Range", "bytes=10-19");

    assertThat(raw.header("transfer-encoding")).contains("chunked");
    assertThat(raw.header("content-length")).isEmpty();
    assertThat(whole.statusCode()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(CONTENT.bytes());
    assertThat(header(part, "Content-Length")).isNull();
    assertThat(part.statusCode()).isEqualTo(206);
    assertThat(header(part, "Content-Range")).isEqualTo("bytes 10-19/100000");
    assertThat(part.body()).isEqualTo(CONTENT.slice(10, 10));
  }

  @Test
  void shortBodyEndsTheConnectionEarlyButCleanly() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.shortBody(1000));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", GENEROUS);

    assertThat(raw.header("content-length")).contains("100000");
    assertThat(raw.rest()).isEqualTo(CONTENT.slice(0, 99_000));
    assertThat(raw.end()).isEqualTo(RawHttp.End.EOF);
    assertThatThrownBy(() -> get("f")).isInstanceOf(IOException.class);
  }

  @Test
  void longBodySendsMoreThanAnnounced() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.longBody(5));

    RawHttp.Exchange raw = RawHttp.exchange(origin, "GET", "/f", GENEROUS, "Range: bytes=0-99");

    assertThat(raw.header("content-length")).contains("100");
    assertThat(raw.rest()).hasSize(105);
    assertThat(Arrays.copyOf(raw.rest(), 100)).isEqualTo(CONTENT.slice(0, 100));
    assertThat(new String(raw.rest(), 100, 5, US_ASCII)).isEqualTo("XXXXX");
    assertThat(raw.end()).isEqualTo(RawHttp.End.EOF);
  }

  @Test
  void wrongContentRangeStartsOneByteLate() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.wrongContentRange());

    HttpResponse<byte[]> asked = get("f", "Range", "bytes=100-199");
    HttpResponse<byte[]> whole = get("f");

    assertThat(asked.statusCode()).isEqualTo(206);
    assertThat(header(asked, "Content-Range")).isEqualTo("bytes 101-199/100000");
    assertThat(header(asked, "Content-Length")).isEqualTo("99");
    assertThat(asked.body()).isEqualTo(CONTENT.slice(101, 99));
    assertThat(whole.statusCode()).isEqualTo(206);
    assertThat(header(whole, "Content-Range")).isEqualTo("bytes 1-99999/100000");
  }

  @Test
  void wrongContentRangeAtTheLastByteStartsOneByteEarly() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.wrongContentRange());

    HttpResponse<byte[]> response = get("f", "Range", "bytes=-1");

    assertThat(header(response, "Content-Range")).isEqualTo("bytes 99998-99998/100000");
    assertThat(response.body()).isEqualTo(CONTENT.slice(99_998, 1));
  }

  @Test
  void redirectPointsElsewhere() throws Exception {
    origin.put("new", CONTENT);
    origin.fault("old", Fault.redirect("/new", 302));

    HttpResponse<byte[]> response = get("old");
    HttpResponse<byte[]> followed;
    try (HttpClient following =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build()) {
      followed =
          following.send(request("old").GET().build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    assertThat(response.statusCode()).isEqualTo(302);
    assertThat(header(response, "Location")).isEqualTo("/new");
    assertThat(followed.statusCode()).isEqualTo(200);
    assertThat(followed.body()).isEqualTo(CONTENT.bytes());
    assertThat(origin.requests("new")).hasSize(1);
  }

  @Test
  void changeEtagAdvertisesOtherValidatorsOnce() throws Exception {
    origin.put("f", CONTENT);
    HttpResponse<byte[]> before = get("f");
    String etag = header(before, "ETag");
    origin.faultOnce("f", Fault.changeEtag());

    HttpResponse<byte[]> changed = get("f", "Range", "bytes=0-9", "If-Range", etag);
    HttpResponse<byte[]> after = get("f");

    assertThat(changed.statusCode()).isEqualTo(206);
    assertThat(changed.body()).isEqualTo(CONTENT.slice(0, 10));
    assertThat(header(changed, "ETag")).matches("\"[^\"]+\"").isNotEqualTo(etag);
    assertThat(header(changed, "Last-Modified")).isNotEqualTo(header(before, "Last-Modified"));
    assertThat(header(after, "ETag")).isEqualTo(etag);
    assertThat(header(after, "Last-Modified")).isEqualTo(header(before, "Last-Modified"));
  }

  @Test
  void ignoreIfRangeServesTheRangeOfTheCurrentContent() throws Exception {
    origin.put("f", CONTENT);
    String oldEtag = header(get("f"), "ETag");
    Content fresh = Content.random(CONTENT.size(), 5);
    origin.put("f", fresh);
    origin.fault("f", Fault.ignoreIfRange());

    HttpResponse<byte[]> response = get("f", "Range", "bytes=10-19", "If-Range", oldEtag);

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(fresh.slice(10, 10));
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 10-19/100000");
    assertThat(header(response, "ETag")).isNotEqualTo(oldEtag);
  }

  @Test
  void noEtagLeavesLastModifiedAsTheOnlyValidator() throws Exception {
    origin.put("f", CONTENT);
    String etag = header(get("f"), "ETag");
    origin.fault("f", Fault.noEtag());

    HttpResponse<byte[]> plain = get("f");
    String lastModified = header(plain, "Last-Modified");
    HttpResponse<byte[]> byDate = get("f", "Range", "bytes=0-9", "If-Range", lastModified);
    HttpResponse<byte[]> byTag = get("f", "Range", "bytes=0-9", "If-Range", etag);

    assertThat(header(plain, "ETag")).isNull();
    assertThat(lastModified).isNotNull();
    assertThat(byDate.statusCode()).isEqualTo(206);
    assertThat(byDate.body()).isEqualTo(CONTENT.slice(0, 10));
    assertThat(byTag.statusCode()).as("an entity tag cannot match").isEqualTo(200);
    assertThat(byTag.body()).isEqualTo(CONTENT.bytes());
  }

  @Test
  void rangeNotSatisfiableRefusesEvenAGoodRange() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.rangeNotSatisfiable());

    HttpResponse<byte[]> response = get("f", "Range", "bytes=0-9");

    assertThat(response.statusCode()).isEqualTo(416);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes */100000");
    assertThat(response.body()).isEmpty();
  }

  @Test
  void contentRangeOverridesTheHeaderButNotTheBody() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.contentRange("bytes 0-9/5"));

    HttpResponse<byte[]> response = get("f", "Range", "bytes=10-19");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 0-9/5");
    assertThat(response.body()).isEqualTo(CONTENT.slice(10, 10));
  }

  @Test
  void faultOnceQueuesForSuccessiveRequestsThenServiceResumes() throws Exception {
    origin.put("f", CONTENT);
    origin.faultOnce("f", Fault.status(500));
    origin.faultOnce("f", Fault.status(503));

    List<Integer> statuses = List.of(status("f"), status("f"), status("f"));

    assertThat(statuses).containsExactly(500, 503, 200);
  }

  @Test
  void faultOnceGoesBeforeAStandingFault() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.status(404));
    origin.faultOnce("f", Fault.status(500));

    assertThat(List.of(status("f"), status("f"), status("f"))).containsExactly(500, 404, 404);
  }

  @Test
  void faultsLastUntilClearedAndOnlyForTheirPath() throws Exception {
    origin.put("f", CONTENT);
    origin.put("g", CONTENT);
    origin.fault("f", Fault.status(500));
    origin.faultOnce("f", Fault.status(503));

    assertThat(List.of(status("f"), status("f"), status("f"), status("g")))
        .containsExactly(503, 500, 500, 200);
    origin.clearFaults("/f");
    assertThat(status("f")).isEqualTo(200);
  }

  @Test
  void requestsAreRecordedBeforeFaultsApply() throws Exception {
    origin.put("f", CONTENT);
    origin.fault("f", Fault.resetAfter(0));

    assertThatThrownBy(() -> get("f", "Range", "bytes=5-")).isInstanceOf(IOException.class);

    assertThat(origin.requests("f"))
        .singleElement()
        .satisfies(r -> assertThat(r.range()).contains("bytes=5-"));
  }

  @Test
  void bodyFaultsOnAPathWithoutContentAreNotFound() throws Exception {
    origin.fault("nothing", Fault.resetAfter(10));

    assertThat(status("nothing")).isEqualTo(404);
  }

  @Test
  void factoriesRejectNonsense() {
    assertThatThrownBy(() -> Fault.status(99)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.redirect("/x", 200))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.throttle(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.resetAfter(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.stall(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.shortBody(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Fault.longBody(0)).isInstanceOf(IllegalArgumentException.class);
  }

  private int status(String path) throws Exception {
    return get(path).statusCode();
  }
}
