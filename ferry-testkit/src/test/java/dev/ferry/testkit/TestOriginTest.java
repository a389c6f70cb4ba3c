package dev.ferry.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/** The fault-free behaviour that resume logic depends on. */
class TestOriginTest extends HttpTestSupport {

  private static final Content SMALL = Content.random(1000, 1);

  @Test
  void getServesTheContentWithValidatorsAndRangeSupport() throws Exception {
    origin.put("/file.bin", SMALL);

    HttpResponse<byte[]> response = get("/file.bin");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SMALL.bytes());
    assertThat(header(response, "Content-Length")).isEqualTo("1000");
    assertThat(header(response, "Accept-Ranges")).isEqualTo("bytes");
    assertThat(header(response, "Content-Type")).isEqualTo("application/octet-stream");
    assertThat(header(response, "ETag")).matches("\"[^\"]+\"");
    assertThat(lastModified(response)).isBeforeOrEqualTo(Instant.now());
    assertThat(header(response, "Content-Range")).isNull();
  }

  @Test
  void headAnswersLikeGetWithoutABody() throws Exception {
    origin.put("file.bin", SMALL);
    HttpResponse<byte[]> get = get("file.bin");

    HttpResponse<byte[]> head = head("file.bin");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    for (String name : List.of("Content-Length", "ETag", "Last-Modified", "Accept-Ranges")) {
      assertThat(header(head, name)).as(name).isEqualTo(header(get, name));
    }
    RawHttp.Exchange raw =
        RawHttp.exchange(origin, "HEAD", "/file.bin", GENEROUS, "Connection: close");
    assertThat(raw.rest()).isEmpty();
  }

  @Test
  void closedRangeIsPartial() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = get("f", "Range", "bytes=100-199");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 100-199/1000");
    assertThat(header(response, "Content-Length")).isEqualTo("100");
    assertThat(response.body()).isEqualTo(SMALL.slice(100, 100));
    assertThat(header(response, "ETag")).isEqualTo(header(get("f"), "ETag"));
  }

  @Test
  void openRangeRunsToTheEnd() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = get("f", "Range", "bytes=990-");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 990-999/1000");
    assertThat(response.body()).isEqualTo(SMALL.slice(990, 10));
  }

  @Test
  void suffixRangeTakesTheLastBytes() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = get("f", "Range", "bytes=-7");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 993-999/1000");
    assertThat(response.body()).isEqualTo(SMALL.slice(993, 7));
  }

  @Test
  void rangeOverhangingTheEndIsCutToTheContent() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> past = get("f", "Range", "bytes=900-5000");
    HttpResponse<byte[]> longSuffix = get("f", "Range", "bytes=-5000");

    assertThat(header(past, "Content-Range")).isEqualTo("bytes 900-999/1000");
    assertThat(past.body()).isEqualTo(SMALL.slice(900, 100));
    assertThat(longSuffix.statusCode()).isEqualTo(206);
    assertThat(header(longSuffix, "Content-Range")).isEqualTo("bytes 0-999/1000");
    assertThat(longSuffix.body()).isEqualTo(SMALL.bytes());
  }

  @Test
  void rangeStartingAtOrPastTheEndIsUnsatisfiable() throws Exception {
    origin.put("f", SMALL);

    for (String range : List.of("bytes=1000-", "bytes=1000-1005", "bytes=5000-")) {
      HttpResponse<byte[]> response = get("f", "Range", range);

      assertThat(response.statusCode()).as(range).isEqualTo(416);
      assertThat(header(response, "Content-Range")).isEqualTo("bytes */1000");
      assertThat(response.body()).isEmpty();
    }
  }

  @Test
  void multipleRangesGetTheWholeBody() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = get("f", "Range", "bytes=0-9,20-29");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SMALL.bytes());
  }

  @Test
  void malformedRangesAreIgnored() throws Exception {
    origin.put("f", SMALL);

    for (String range : List.of("bytes=abc", "bytes=9-3", "lines=1-2", "bytes 0-9")) {
      HttpResponse<byte[]> response = get("f", "Range", range);

      assertThat(response.statusCode()).as(range).isEqualTo(200);
      assertThat(response.body()).isEqualTo(SMALL.bytes());
    }
  }

  @Test
  void headHonoursRangeLikeGet() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = head("f", "Range", "bytes=10-19");

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(header(response, "Content-Range")).isEqualTo("bytes 10-19/1000");
    assertThat(header(response, "Content-Length")).isEqualTo("10");
  }

  @Test
  void ifRangeWithTheCurrentEtagKeepsTheRange() throws Exception {
    origin.put("f", SMALL);
    String etag = header(get("f"), "ETag");

    HttpResponse<byte[]> response = get("f", "Range", "bytes=500-", "If-Range", etag);

    assertThat(response.statusCode()).isEqualTo(206);
    assertThat(response.body()).isEqualTo(SMALL.slice(500, 500));
  }

  @Test
  void ifRangeWithAnotherEtagGetsTheWholeBody() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response = get("f", "Range", "bytes=500-", "If-Range", "\"other\"");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(SMALL.bytes());
  }

  @Test
  void ifRangeWithAWeakEtagNeverMatches() throws Exception {
    origin.put("f", SMALL);
    String etag = header(get("f"), "ETag");

    HttpResponse<byte[]> response = get("f", "Range", "bytes=500-", "If-Range", "W/" + etag);

    assertThat(response.statusCode()).isEqualTo(200);
  }

  @Test
  void ifRangeWithTheLastModifiedDateKeepsTheRangeAndAnyOtherDateDoesNot() throws Exception {
    origin.put("f", SMALL);
    String date = header(get("f"), "Last-Modified");
    String earlier =
        DateTimeFormatter.RFC_1123_DATE_TIME.format(
            ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME).minusSeconds(1));

    assertThat(get("f", "Range", "bytes=500-", "If-Range", date).statusCode()).isEqualTo(206);
    assertThat(get("f", "Range", "bytes=500-", "If-Range", earlier).statusCode()).isEqualTo(200);
    assertThat(get("f", "Range", "bytes=500-", "If-Range", "not a date").statusCode())
        .isEqualTo(200);
  }

  @Test
  void replacingContentChangesBothValidators() throws Exception {
    origin.put("f", SMALL);
    HttpResponse<byte[]> before = get("f");

    origin.put("f", Content.random(1000, 2));
    HttpResponse<byte[]> after = get("f");

    assertThat(header(after, "ETag")).isNotEqualTo(header(before, "ETag"));
    assertThat(lastModified(after)).isAfterOrEqualTo(lastModified(before).plusSeconds(1));
    assertThat(after.body()).isEqualTo(Content.random(1000, 2).bytes());
    HttpResponse<byte[]> resumed =
        get("f", "Range", "bytes=500-", "If-Range", header(before, "ETag"));
    assertThat(resumed.statusCode()).isEqualTo(200);
    assertThat(resumed.body()).isEqualTo(Content.random(1000, 2).bytes());
  }

  @Test
  void contentPutBackAfterRemovalIsStillNewer() throws Exception {
    origin.put("f", SMALL);
    HttpResponse<byte[]> first = get("f");
    origin.remove("f");
    origin.put("f", SMALL);

    HttpResponse<byte[]> second = get("f");

    assertThat(header(second, "ETag")).isNotEqualTo(header(first, "ETag"));
    assertThat(lastModified(second)).isAfter(lastModified(first));
  }

  @Test
  void unknownAndRemovedPathsAreNotFound() throws Exception {
    origin.put("f", SMALL);
    assertThat(get("nothing-here").statusCode()).isEqualTo(404);

    origin.remove("/f");

    assertThat(get("f").statusCode()).isEqualTo(404);
    assertThat(head("f").statusCode()).isEqualTo(404);
  }

  @Test
  void otherMethodsAreNotAllowed() throws Exception {
    origin.put("f", SMALL);

    HttpResponse<byte[]> response =
        send(request("f").POST(HttpRequest.BodyPublishers.ofString("x")));

    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(header(response, "Allow")).isEqualTo("GET, HEAD");
  }

  @Test
  void everyRequestIsRecordedInOrder() throws Exception {
    origin.put("f", SMALL);
    Instant start = Instant.now();

    get("/f", "Range", "bytes=0-9", "X-Probe", "one");
    head("f");
    get("missing");

    List<RecordedRequest> requests = origin.requests("f");
    assertThat(requests).extracting(RecordedRequest::method).containsExactly("GET", "HEAD");
    assertThat(requests).extracting(RecordedRequest::path).containsOnly("/f");
    RecordedRequest first = requests.getFirst();
    assertThat(first.range()).contains("bytes=0-9");
    assertThat(first.header("x-PROBE")).contains("one");
    assertThat(first.headers()).containsKey("x-probe").doesNotContainKey("X-Probe");
    assertThat(first.at()).isAfterOrEqualTo(start.minusMillis(1));
    assertThat(requests.get(1).at()).isAfterOrEqualTo(first.at());
    assertThat(requests.get(1).range()).isEmpty();
    assertThat(origin.requests("/missing")).hasSize(1);
    assertThat(origin.requests("never-asked")).isEmpty();
  }

  @Test
  void recordedHeaderLookupIgnoresCase() {
    RecordedRequest request =
        new RecordedRequest("GET", "/x", Map.of("Range", "bytes=1-2"), Instant.EPOCH);

    assertThat(request.headers()).containsOnlyKeys("range");
    assertThat(request.header("RANGE")).contains("bytes=1-2");
    assertThat(request.range()).contains("bytes=1-2");
  }

  @Test
  void bytesServedCountsBodyBytesOnly() throws Exception {
    origin.put("f", SMALL);

    get("f");
    get("f", "Range", "bytes=0-99");
    head("f");
    get("f", "Range", "bytes=5000-");

    assertThat(origin.bytesServed("f")).isEqualTo(1100);
    assertThat(origin.bytesServed("other")).isZero();
  }

  @Test
  void urisPointAtTheOriginWhicheverWayThePathIsWritten() {
    String base = "http://127.0.0.1:" + origin.port();

    assertThat(origin.url("a/b.bin")).isEqualTo(base + "/a/b.bin");
    assertThat(origin.uri("/a/b.bin")).isEqualTo(origin.uri("a/b.bin"));
    assertThat(origin.url("with space.bin?x=1")).isEqualTo(base + "/with%20space.bin?x=1");
  }

  @Test
  void encodedPathsAndQueriesReachTheDecodedPath() throws Exception {
    origin.put("with space.bin", SMALL);

    HttpResponse<byte[]> response = get("with space.bin?token=abc");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(origin.requests("/with space.bin")).hasSize(1);
  }

  @Test
  void largeContentStreamsIntact() throws Exception {
    Content big = Content.random(64L << 20, 77);
    origin.put("big", big);

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    HttpResponse<InputStream> response =
        client.send(request("big").GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = new DigestInputStream(response.body(), digest)) {
      in.transferTo(OutputStream.nullOutputStream());
    }

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(big.sha256());
    assertThat(origin.bytesServed("big")).isEqualTo(big.size());
  }

  @Test
  void rangesBeyondFourGibibytesAreServed() throws Exception {
    long size = (5L << 30) + 3;
    Content huge = Content.random(size, 5);
    origin.put("huge", huge);

    HttpResponse<byte[]> tail = get("huge", "Range", "bytes=-100");
    HttpResponse<byte[]> middle = get("huge", "Range", "bytes=4294967290-4294967309");

    assertThat(header(tail, "Content-Range"))
        .isEqualTo("bytes " + (size - 100) + "-" + (size - 1) + "/" + size);
    assertThat(tail.body()).isEqualTo(huge.slice(size - 100, 100));
    assertThat(middle.body()).isEqualTo(huge.slice(4294967290L, 20));
    assertThat(header(head("huge"), "Content-Length")).isEqualTo(Long.toString(size));
  }

  @Test
  void concurrentRangesReassembleTheContent() throws Exception {
    Content content = Content.random(8L << 20, 3);
    origin.put("seg", content);
    long part = content.size() / 8;

    List<CompletableFuture<HttpResponse<byte[]>>> parts = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String range = "bytes=" + i * part + "-" + ((i + 1) * part - 1);
      parts.add(
          client.sendAsync(
              request("seg", "Range", range).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }

    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (CompletableFuture<HttpResponse<byte[]>> future : parts) {
      HttpResponse<byte[]> response = future.get();
      assertThat(response.statusCode()).isEqualTo(206);
      digest.update(response.body());
    }
    assertThat(HexFormat.of().formatHex(digest.digest())).isEqualTo(content.sha256());
  }

  private static Instant lastModified(HttpResponse<?> response) {
    return ZonedDateTime.parse(
            header(response, "Last-Modified"), DateTimeFormatter.RFC_1123_DATE_TIME)
        .toInstant();
  }
}
