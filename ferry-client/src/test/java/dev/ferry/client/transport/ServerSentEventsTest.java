package dev.ferry.client.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServerSentEventsTest {
  private static List<ServerSentEvents.Event> parse(String stream) throws IOException {
    List<ServerSentEvents.Event> events = new ArrayList<>();
    ServerSentEvents.read(
        new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)), events::add);
    return events;
  }

  @Test
  void namedEventsWithData() throws IOException {
    assertThat(parse("event: changed\ndata: {\"a\":1}\n\n" + "event:progress\ndata:{\"b\":2}\n\n"))
        .containsExactly(
            new ServerSentEvents.Event("changed", "{\"a\":1}", ""),
            new ServerSentEvents.Event("progress", "{\"b\":2}", ""));
  }

  @Test
  void commentsAreIgnoredAndDataLinesAreJoined() throws IOException {
    assertThat(parse(": keep-alive\n\ndata: one\ndata: two\nid: 7\n\n"))
        .containsExactly(new ServerSentEvents.Event("message", "one\ntwo", "7"));
  }

  @Test
  void crlfLineEndsAndUnknownFieldsAreAccepted() throws IOException {
    assertThat(parse("retry: 1000\r\nevent: file-transferred\r\nfoo: bar\r\ndata: x\r\n\r\n"))
        .containsExactly(new ServerSentEvents.Event("file-transferred", "x", ""));
  }

  @Test
  void anEventWithoutDataOrWithoutItsBlankLineIsNotDispatched() throws IOException {
    assertThat(parse("event: changed\n\nevent: changed\ndata: cut off")).isEmpty();
  }
}
