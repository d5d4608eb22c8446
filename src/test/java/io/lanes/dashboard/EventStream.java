package io.lanes.dashboard;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test client of {@code GET /dashboard/events}: each {@code data:} frame parsed as JSON, with the time it arrived.
 * Opened from an event loop (a client chain built elsewhere can miss its answer: vert.x#6038); read on it.
 */
final class EventStream {

  private static final String HOST = "127.0.0.1";

  private final HttpClientResponse response;
  private final StringBuilder pending = new StringBuilder();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> ended = Promise.promise();

  private record Waiter(Predicate<JsonObject> accepts, Promise<Frame> promise) {
  }

  /** One frame and when it arrived ({@link System#nanoTime()}). */
  record Frame(JsonObject view, long arrivedNanos) {
  }

  private EventStream(HttpClientResponse response) {
    this.response = response;
    response.handler(this::read);
    response.endHandler(end -> ended.tryComplete());
    response.exceptionHandler(failure -> ended.tryComplete());
  }

  /** The response to {@code GET /dashboard/events} on {@code port}: a stream when it is 200, else its status and body. */
  static Future<Answer> open(Vertx vertx, HttpClient client, int port) {
    Promise<Answer> opened = Promise.promise();
    vertx.runOnContext(v -> client.request(HttpMethod.GET, port, HOST, "/dashboard/events")
      .compose(request -> request.send()
        .compose(response -> response.statusCode() == 200
          ? Future.succeededFuture(new Answer(response, new EventStream(response), null))
          : response.body().map(body -> new Answer(response, null, body))))
      .onComplete(opened));
    return opened.future();
  }

  /** An answer to the stream's request: {@code stream} when it was accepted, else the refusal's {@code body}. */
  record Answer(HttpClientResponse response, EventStream stream, Buffer body) {
  }

  /** The first frame arriving from now on that {@code accepts}. */
  synchronized Future<Frame> next(Predicate<JsonObject> accepts) {
    Promise<Frame> promise = Promise.promise();
    waiters.add(new Waiter(accepts, promise));
    return promise.future();
  }

  Future<Frame> next() {
    return next(view -> true);
  }

  /** Completes when the server ended the stream (or the connection closed). */
  Future<Void> ended() {
    return ended.future();
  }

  void close() {
    response.request().connection().close();
  }

  private void read(Buffer chunk) {
    pending.append(chunk.toString());
    int end;
    while ((end = pending.indexOf("\n\n")) >= 0) {
      String frame = pending.substring(0, end);
      pending.delete(0, end + 2);
      for (String line : frame.split("\n")) {
        if (line.startsWith("data: ")) {
          deliver(new Frame(new JsonObject(line.substring("data: ".length())), System.nanoTime()));
        }
      }
    }
  }

  private synchronized void deliver(Frame frame) {
    waiters.removeIf(waiter -> waiter.accepts().test(frame.view()) && waiter.promise().tryComplete(frame));
  }
}
