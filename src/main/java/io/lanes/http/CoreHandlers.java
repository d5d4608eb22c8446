package io.lanes.http;

import io.lanes.app.Node;
import io.lanes.app.Readiness;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.concurrent.TimeUnit;

/** The routes of the original service that need no lane of their own: greetings, readiness, and the two kinds of wait. */
final class CoreHandlers {

  private static final String SECONDS = "seconds";

  private final Vertx vertx;
  private final Node node;
  private final int maxSleepSeconds;

  CoreHandlers(Vertx vertx, Node node) {
    this.vertx = vertx;
    this.node = node;
    this.maxSleepSeconds = node.config().blocking().maxSleepSeconds();
  }

  void root(RoutingContext ctx) {
    Responses.ok(ctx, new JsonObject().put("Hello", "World"));
  }

  void hello(RoutingContext ctx) {
    Responses.ok(ctx, new JsonObject().put("message", "Hello world"));
  }

  void ready(RoutingContext ctx) {
    Readiness.State state = node.readiness().state();
    // clustering: jobs need a compute consumer, on this node or on a live member
    boolean computeReachable = node.cluster().hasComputeConsumer();
    if (state == Readiness.State.READY && computeReachable) {
      Responses.ok(ctx, new JsonObject().put("status", "UP").put("node", node.id()));
      return;
    }
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(node.config().http().retryAfterSeconds()));
    Responses.send(ctx, 503, new JsonObject()
      .put("status", "DOWN")
      .put("error", "not ready")
      .put("detail", state == Readiness.State.READY ? "no compute consumer" : state.name().toLowerCase()));
  }

  /** Route step: {@code seconds} is a number in 0..blocking.maxSleepSeconds. */
  void validateSeconds(RoutingContext ctx) {
    ctx.put(SECONDS, Params.seconds(ctx, SECONDS, maxSleepSeconds));
    ctx.next();
  }

  /** A real blocking sleep, on the bounded blocking lane: the event loop is never held. */
  void sync(RoutingContext ctx) {
    Number seconds = ctx.get(SECONDS);
    long millis = Params.toMillis(seconds);
    node.blocking()
      .execute(() -> {
        Thread.sleep(millis);
        return null;
      })
      .onSuccess(done -> Responses.ok(ctx, waited(seconds, "blocking")))
      .onFailure(ctx::fail);
  }

  /** A timer: no thread is held while it waits. */
  void async(RoutingContext ctx) {
    Number seconds = ctx.get(SECONDS);
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
