package dev.ferry.daemon.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.ferry.api.HResult;
import dev.ferry.api.JobOwner;
import dev.ferry.engine.Engine;
import dev.ferry.engine.job.JobEvent;
import dev.ferry.engine.job.JobListener;
import dev.ferry.rest.EventView;
import dev.ferry.rest.Problem;
import dev.ferry.rest.Routes;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Routes#EVENTS}: the engine's job events as server-sent events, for the jobs the caller may
 * see. The engine calls listeners under its lock, so each subscriber only offers to a bounded
 * queue: when the queue is full progress events are dropped, and a subscriber that cannot even take
 * a state change is disconnected (it reconnects and reads the jobs again) rather than slow the
 * engine.
 */
final class EventStream {
  private static final Logger log = LoggerFactory.getLogger(EventStream.class);
  private static final String SUBSCRIPTION = "ferry.subscription";
  static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
  static final int QUEUE_CAPACITY = 1024;

  private final Engine engine;
  private final Set<Subscription> open = ConcurrentHashMap.newKeySet();
  private final SseHandler sse = new SseHandler(this::serve);

  EventStream(Engine engine) {
    this.engine = engine;
  }

  void register(RoutesConfig routes) {
    routes.get(Routes.EVENTS, this::subscribe);
  }

  /**
   * Subscribes before the response headers go out, so a client that has the headers misses no event
   * that follows.
   */
  private void subscribe(Context ctx) throws Exception {
    String accept = ctx.header("Accept");
    if (accept == null || !accept.contains("text/event-stream")) {
      Problems.send(
          ctx,
          406,
          Problem.of(HResult.E_INVALIDARG, "the event stream needs Accept: text/event-stream"));
      return;
    }
    JobOwner caller = JobEndpoints.caller(ctx);
    String job = ctx.queryParam("job");
    UUID only = job == null ? null : Requests.uuid(job, "job id");
    if (only != null) {
      // BG_E_NOT_FOUND for a job the caller may not see, as GET /v1/jobs/{id} would answer.
      engine.manager(caller).getJob(only);
    }
    Subscription subscription = new Subscription(caller, only);
    open.add(subscription);
    engine.addListener(subscription);
    ctx.attribute(SUBSCRIPTION, subscription);
    try {
      sse.handle(ctx);
    } catch (Exception | Error e) {
      end(subscription);
      throw e;
    }
  }

  private void serve(SseClient client) {
    Subscription subscription = client.ctx().attribute(SUBSCRIPTION);
    client.onClose(subscription::close);
    try {
      client.sendComment("subscribed");
      while (!client.terminated()) {
        JobEvent event = subscription.queue.poll(KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
        if (subscription.closed) {
          break;
        }
        if (event == null) {
          client.sendComment("keep-alive");
        } else {
          EventView view = view(event);
          client.sendEvent(view.kind(), Requests.mapper().writeValueAsString(view));
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    } finally {
      end(subscription);
      client.close();
    }
  }

  private void end(Subscription subscription) {
    subscription.close();
    engine.removeListener(subscription);
    open.remove(subscription);
  }

  /** Ends every stream, so the server can stop without waiting for keep-alives. */
  void closeAll() {
    for (Subscription subscription : open) {
      subscription.close();
    }
  }

  static EventView view(JobEvent event) {
    String kind =
        switch (event.kind()) {
          // The stream's kinds predate CREATED: to its clients a new job is a change.
          case CREATED, CHANGED -> "changed";
          case PROGRESS -> "progress";
          case FILE_TRANSFERRED -> "file-transferred";
        };
    return new EventView(
        kind,
        event.jobId().toString(),
        event.state().name(),
        event.bytesTotal(),
        event.bytesTransferred(),
        event.fileIndex() >= 0 ? event.fileIndex() : null);
  }

  /** One client's filter and queue. */
  static final class Subscription implements JobListener {
    /** Wakes the sender when the subscription ends; never delivered. */
    private static final JobEvent END =
        new JobEvent(JobEvent.Kind.CHANGED, new UUID(0, 0), -1, null, 0, 0, -1);

    final BlockingQueue<JobEvent> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final JobOwner caller;
    private final UUID only;
    volatile boolean closed;

    Subscription(JobOwner caller, UUID only) {
      this.caller = caller;
      this.only = only;
    }

    @Override
    public void onEvent(JobEvent event) {
      if (closed
          || (only != null && !only.equals(event.jobId()))
          || !(caller.isAdministrator() || event.ownerUid() == caller.uid())) {
        return;
      }
      if (queue.offer(event) || event.kind() == JobEvent.Kind.PROGRESS) {
        return;
      }
      // Full: make room by dropping progress, which the next progress event supersedes anyway.
      queue.removeIf(e -> e.kind() == JobEvent.Kind.PROGRESS);
      if (!queue.offer(event)) {
        log.warn("an event subscriber of uid {} is too slow; disconnecting it", caller.uid());
        close();
      }
    }

    void close() {
      if (!closed) {
        closed = true;
        queue.clear();
        queue.offer(END);
      }
    }
  }
}
