package dev.ferry.daemon;

import dev.ferry.rest.EventView;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hc.core5.http.ClassicHttpResponse;

/** Reads a server-sent event stream in the background: each event's name and its EventView. */
final class EventReader implements AutoCloseable {
  record Event(String name, EventView view) {}

  final ClassicHttpResponse response;
  final List<Event> events = new CopyOnWriteArrayList<>();
  final List<String> comments = new CopyOnWriteArrayList<>();
  private final CountDownLatch subscribed = new CountDownLatch(1);

  EventReader(ClassicHttpResponse response) {
    this.response = response;
    Thread.ofVirtual().name("sse-reader").start(this::read);
  }

  private void read() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(response.getEntity().getContent(), StandardCharsets.UTF_8))) {
      String name = "message";
      StringBuilder data = new StringBuilder();
      for (String line; (line = reader.readLine()) != null; ) {
        if (line.isEmpty()) {
          if (!data.isEmpty()) {
            events.add(new Event(name, UnixHttp.JSON.readValue(data.toString(), EventView.class)));
          }
          name = "message";
          data.setLength(0);
        } else if (line.startsWith(":")) {
          comments.add(line.substring(1).strip());
          subscribed.countDown();
        } else if (line.startsWith("event:")) {
          name = line.substring(6).strip();
        } else if (line.startsWith("data:")) {
          data.append(line.substring(5).strip());
        }
      }
    } catch (IOException closed) {
      // The stream was closed by the test or the daemon.
    }
  }

  /** Waits for the stream's first comment, sent once the subscription exists. */
  void awaitSubscribed() throws InterruptedException {
    if (!subscribed.await(60, TimeUnit.SECONDS)) {
      throw new IllegalStateException("the event stream never started");
    }
  }

  List<Event> of(String jobId) {
    return events.stream().filter(e -> e.view().jobId().equals(jobId)).toList();
  }

  @Override
  public void close() throws IOException {
    response.close();
  }
}
