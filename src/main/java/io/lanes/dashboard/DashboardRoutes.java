package io.lanes.dashboard;

import io.lanes.http.ApiException;
import io.lanes.http.Routes;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The live dashboard, read-only: {@code GET /dashboard} (the page, its script and style from the class path, uPlot from
 * its webjar: nothing from a CDN) and {@code GET /dashboard/events}, a Server-Sent Events stream of the
 * {@link SnapshotAggregator}'s view every {@code dashboard.intervalMs}: a chunked {@code text/event-stream} response
 * written from a periodic timer on the connection's event loop, the timer cancelled when the connection closes. At most
 * {@code dashboard.maxClients} streams per node (503 past it); a stream whose client reads too slowly skips frames
 * rather than buffering them; a shutting-down server ends every stream at once so its graceful shutdown need not wait.
 */
public final class DashboardRoutes implements Routes {

  /** The page's own files, under this class-path directory. */
  static final String PAGE_ROOT = "dashboard";
  static final String UPLOT_ROOT = "META-INF/resources/webjars/uplot/1.6.30/dist";
  /** How long the browser's {@code EventSource} waits before it reconnects. */
  static final long RECONNECT_MS = 2000;
  private static final int ASSET_MAX_AGE_SECONDS = 60;

  private final SnapshotAggregator board;
  private final long intervalMs;

  public DashboardRoutes(SnapshotAggregator board, long intervalMs) {
    this.board = board;
    this.intervalMs = intervalMs;
  }

  @Override
  public void mount(Router router) {
    router.get("/dashboard/events").handler(this::events);
    router.get("/dashboard/uplot/*").handler(assets(UPLOT_ROOT));
    router.get("/dashboard/*").handler(assets(PAGE_ROOT).setIndexPage("index.html"));
  }

  private static StaticHandler assets(String root) {
    return StaticHandler.create(root)
      .setDirectoryListing(false)
      .setMaxAgeSeconds(ASSET_MAX_AGE_SECONDS);
  }

  private void events(RoutingContext ctx) {
    if (!board.tryOpenStream()) {
      ctx.fail(new ApiException(503, "service unavailable", new JsonObject()
        .put("message", "every dashboard stream of this node is taken (dashboard.maxClients)")));
      return;
    }
    RouteTraffic.untimed(ctx);
    new EventStream(ctx.vertx(), ctx.response()).open(ctx);
  }

  /** One open stream: its timer and its slot, released once. Touched only from its connection's event loop. */
  private final class EventStream {

    private final Vertx vertx;
    private final HttpServerResponse response;
    private long timerId = -1;
    private boolean released;

    EventStream(Vertx vertx, HttpServerResponse response) {
      this.vertx = vertx;
      this.response = response;
    }

    void open(RoutingContext ctx) {
      response.setChunked(true)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
        .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
        .putHeader("X-Accel-Buffering", "no");
      response.closeHandler(closed -> release());
      response.exceptionHandler(failed -> release());
      // A graceful shutdown waits for in-flight requests: a stream never ends by itself, so it ends here.
      ctx.request().connection().shutdownHandler(shutdown -> end());
      response.write("retry: " + RECONNECT_MS + "\n\n");
      send();
      timerId = vertx.setPeriodic(intervalMs, id -> send());
    }

    private void send() {
      if (released || response.writeQueueFull()) {
        return;
      }
      response.write("data: " + board.view() + "\n\n");
    }

    private void end() {
      release();
      if (!response.ended() && !response.closed()) {
        response.end();
      }
    }

    private void release() {
      if (released) {
        return;
      }
      released = true;
      vertx.cancelTimer(timerId);
      board.closeStream();
    }
  }
}
