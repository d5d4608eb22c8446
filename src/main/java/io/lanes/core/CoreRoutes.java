package io.lanes.core;

import io.lanes.http.Operations;
import io.lanes.http.Params;
import io.lanes.http.RequestValue;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lanes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;

/**
 * The routes of the original service that need no lane of their own, and its two kinds of wait: {@code GET /},
 * {@code /hello}, {@code /sync} (a blocking sleep on the blocking lane) and {@code /async} (a timer on the loop). Both
 * waits last {@code seconds} when given, else {@code blocking.defaultSleepSeconds} (the original's 5 s), so the
 * original's clients, which send no parameter, get the original's wait.
 */
public final class CoreRoutes implements Routes {

  /** The bodies of {@code /} and {@code /hello}, encoded once (see {@link Responses#ok(RoutingContext, String)}). */
  private static final String ROOT_BODY = new JsonObject().put("Hello", "World").encode();
  private static final String HELLO_BODY = new JsonObject().put("message", "Hello world").encode();
  private static final String SECONDS = "seconds";
  private static final RequestValue<Number> WAIT = RequestValue.named("core.seconds");

  private final Vertx vertx;
  private final BlockingLane blocking;
  private final int defaultSleepSeconds;
  private final int maxSleepSeconds;

  public CoreRoutes(Vertx vertx, BlockingLane blocking, int defaultSleepSeconds, int maxSleepSeconds) {
    this.vertx = vertx;
    this.blocking = blocking;
    this.defaultSleepSeconds = defaultSleepSeconds;
    this.maxSleepSeconds = maxSleepSeconds;
  }

  @Override
  public void operations(Operations operations) {
    operations
      .handle("root", this::root)
      .handle("hello", this::hello)
      .handle("sync", this::validateSeconds, this::sync)
      .handle("async", this::validateSeconds, this::async);
  }

  private void root(RoutingContext ctx) {
    Responses.ok(ctx, ROOT_BODY);
  }

  private void hello(RoutingContext ctx) {
    Responses.ok(ctx, HELLO_BODY);
  }

  /** Route step: {@code seconds}, when given, is a number in 0..blocking.maxSleepSeconds. */
  private void validateSeconds(RoutingContext ctx) {
    WAIT.put(ctx, Params.seconds(ctx, SECONDS, defaultSleepSeconds, maxSleepSeconds));
    ctx.next();
  }

  /** A real blocking sleep, on the bounded blocking lane: the event loop is never held. */
  private void sync(RoutingContext ctx) {
    Number seconds = WAIT.get(ctx);
    long millis = Params.toMillis(seconds);
    blocking
      .execute(() -> {
        Thread.sleep(millis);
        return null;
      })
      .onSuccess(done -> Responses.ok(ctx, waited(seconds, Lanes.BLOCKING)))
      .onFailure(ctx::fail);
  }

  /** A timer: no thread is held while it waits. */
  private void async(RoutingContext ctx) {
    Number seconds = WAIT.get(ctx);
    long millis = Params.toMillis(seconds);
    Future<?> wait = millis == 0 ? Future.succeededFuture() : vertx.timer(millis, TimeUnit.MILLISECONDS);
    wait
      .onSuccess(done -> Responses.ok(ctx, waited(seconds, "loop")))
      .onFailure(ctx::fail);
  }

  private static JsonObject waited(Number seconds, String lane) {
    return new JsonObject().put("message", "Done").put(SECONDS, seconds).put("lane", lane);
  }
}
