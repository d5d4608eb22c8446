package io.lanes.fanout;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake upstream on 127.0.0.1, port 0, whose paths misbehave on purpose. It counts open connections, requests in flight
 * and the most requests it ever had in flight at once, and records the URIs it was asked for.
 *
 * <ul>
 *   <li>{@code /json?delay_ms=D}: {@code {"ok":true}} after D ms</li>
 *   <li>{@code /status/{code}}: that status with a JSON body</li>
 *   <li>{@code /hang}: never answers</li>
 *   <li>{@code /trickle?piece_ms=P}: status 200 and a chunked JSON body, one byte every P ms, for a minute</li>
 *   <li>{@code /big?bytes=N&declared=true|false}: a JSON body of N bytes, chunked or with its Content-Length</li>
 *   <li>{@code /garbage}: 200 with a body that is not JSON</li>
 * </ul>
 */
final class FakeUpstreamVerticle extends VerticleBase {

  private final AtomicInteger openConnections = new AtomicInteger();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final List<String> uris = new CopyOnWriteArrayList<>();
  private HttpServer server;

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::track);
    router.get("/json").handler(this::json);
    router.get("/status/:code").handler(this::status);
    router.get("/hang").handler(ctx -> { });
    router.get("/trickle").handler(this::trickle);
    router.get("/big").handler(this::big);
    router.get("/garbage").handler(ctx -> ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("<html>oops"));
    server = vertx.createHttpServer()
      .connectionHandler(connection -> {
        openConnections.incrementAndGet();
        connection.closeHandler(closed -> openConnections.decrementAndGet());
      })
      .requestHandler(router);
    return server.listen(0, "127.0.0.1");
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.actualPort() + path;
  }

  int openConnections() {
    return openConnections.get();
  }

  int inFlight() {
    return inFlight.get();
  }

  int maxInFlight() {
    return maxInFlight.get();
  }

  List<String> uris() {
    return uris;
  }

  private void track(RoutingContext ctx) {
    uris.add(ctx.request().uri());
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    ctx.addEndHandler(done -> inFlight.decrementAndGet());
    ctx.next();
  }

  private void json(RoutingContext ctx) {
    long delayMs = Long.parseLong(ctx.request().getParam("delay_ms", "0"));
    Future<?> delay = delayMs == 0 ? Future.succeededFuture() : vertx.timer(delayMs, TimeUnit.MILLISECONDS);
    delay.onSuccess(v -> ok(ctx.response(), new JsonObject().put("ok", true).put("uri", ctx.request().uri())));
  }

  private void status(RoutingContext ctx) {
    ctx.response()
      .setStatusCode(Integer.parseInt(ctx.pathParam("code")))
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
      .end(new JsonObject().put("failed", true).encode());
  }

  private void trickle(RoutingContext ctx) {
    HttpServerResponse response = ctx.response()
      .setChunked(true)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    response.write("[");
    long pieceMs = Long.parseLong(ctx.request().getParam("piece_ms"));
    long timer = vertx.setPeriodic(pieceMs, id -> {
      if (!response.closed()) {
        response.write(" ");
      }
    });
    vertx.setTimer(60_000, id -> vertx.cancelTimer(timer));
    ctx.addEndHandler(ended -> vertx.cancelTimer(timer));
  }

  private void big(RoutingContext ctx) {
    int bytes = Integer.parseInt(ctx.request().getParam("bytes"));
    boolean declared = Boolean.parseBoolean(ctx.request().getParam("declared"));
    Buffer body = Buffer.buffer("[\"");
    body.appendString("x".repeat(Math.max(0, bytes - 4)));
    body.appendString("\"]");
    HttpServerResponse response = ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    if (declared) {
      response.end(body);
      return;
    }
    // Chunked, in 1 KiB pieces: the reader only learns the size by counting.
    response.setChunked(true);
    for (int from = 0; from < body.length(); from += 1024) {
      response.write(body.slice(from, Math.min(body.length(), from + 1024)));
    }
    response.end();
  }

  private static void ok(HttpServerResponse response, JsonObject body) {
    if (!response.closed()) {
      response.putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body.encode());
    }
  }
}
