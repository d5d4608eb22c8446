package io.lanes.fanout;

import io.lanes.config.LanesConfig;
import io.lanes.http.Params;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The embedded upstream stubs {@code /upstream/json}, {@code /upstream/uuid} and {@code /upstream/ip} (httpbin-like
 * bodies), the default fan-out targets so Lanes works offline. Every wait is a timer, so a slow stub holds no thread.
 * Query parameters shape the answer for tests and fault drills: {@code delay_ms}, {@code status}, {@code trickle_ms},
 * {@code bytes}.
 */
public final class EmbeddedUpstreams {

  public static final List<String> PATHS = List.of("/upstream/json", "/upstream/uuid", "/upstream/ip");

  /** A trickled body arrives in this many pieces (fewer if it is shorter), spread evenly over {@code trickle_ms}. */
  static final int TRICKLE_PIECES = 10;

  private static final String SHAPE = "lanes.upstream.shape";
  private static final String JSON = "application/json";
  private static final byte[] PADDING_OPEN = ",\"padding\":\"".getBytes(StandardCharsets.UTF_8);
  private static final byte[] PADDING_CLOSE = "\"}".getBytes(StandardCharsets.UTF_8);
  private static final JsonObject SLIDESHOW = new JsonObject()
    .put("slideshow", new JsonObject()
      .put("author", "Yours Truly")
      .put("date", "date of publication")
      .put("slides", new JsonArray()
        .add(new JsonObject().put("title", "Wake up to WonderWidgets!").put("type", "all"))
        .add(new JsonObject()
          .put("items", new JsonArray()
            .add("Why <em>WonderWidgets</em> are great")
            .add("Who <em>buys</em> WonderWidgets"))
          .put("title", "Overview")
          .put("type", "all")))
      .put("title", "Sample Slide Show"));

  private final Vertx vertx;
  private final long maxDelayMs;
  private final int maxBytes;

  public EmbeddedUpstreams(Vertx vertx, LanesConfig.Fanout config) {
    this.vertx = vertx;
    this.maxDelayMs = config.maxDelayMs();
    this.maxBytes = config.stubMaxBytes();
  }

  /** How a stub answers: after {@code delayMs}, with {@code status}, its body padded to {@code bytes}, over {@code trickleMs}. */
  record Shape(long delayMs, int status, long trickleMs, int bytes) {
  }

  /** Route step: {@code delay_ms} and {@code trickle_ms} in 0..fanout.maxDelayMs, {@code status} in 200..599, {@code bytes} in 0..fanout.stubMaxBytes. */
  public void validateShape(RoutingContext ctx) {
    ctx.put(SHAPE, new Shape(
      Params.wholeNumber(ctx, "delay_ms", 0, 0, maxDelayMs),
      (int) Params.wholeNumber(ctx, "status", 200, 200, 599),
      Params.wholeNumber(ctx, "trickle_ms", 0, 0, maxDelayMs),
      (int) Params.wholeNumber(ctx, "bytes", 0, 0, maxBytes)));
    ctx.next();
  }

  /** The handler of stub {@code path} (one of {@link #PATHS}). */
  Handler<RoutingContext> answering(String path) {
    return switch (path) {
      case "/upstream/json" -> this::json;
      case "/upstream/uuid" -> this::uuid;
      case "/upstream/ip" -> this::ip;
      default -> throw new IllegalArgumentException("no embedded upstream at " + path);
    };
  }

  private void json(RoutingContext ctx) {
    answer(ctx, SLIDESHOW);
  }

  private void uuid(RoutingContext ctx) {
    answer(ctx, new JsonObject().put("uuid", UUID.randomUUID().toString()));
  }

  private void ip(RoutingContext ctx) {
    SocketAddress client = ctx.request().remoteAddress();
    answer(ctx, new JsonObject().put("origin", client == null ? "unknown" : client.hostAddress()));
  }

  private void answer(RoutingContext ctx, JsonObject document) {
    Shape shape = ctx.get(SHAPE);
    Buffer body = padded(document, shape.bytes());
    Future<?> delay = shape.delayMs() == 0 ? Future.succeededFuture() : vertx.timer(shape.delayMs(), TimeUnit.MILLISECONDS);
    delay
      .onSuccess(waited -> send(ctx, shape, body))
      .onFailure(ctx::fail);
  }

  private void send(RoutingContext ctx, Shape shape, Buffer body) {
    HttpServerResponse response = ctx.response();
    if (response.ended() || response.closed()) {
      return;
    }
    response.setStatusCode(shape.status());
    if (shape.status() == 204 || shape.status() == 304) {
      // These statuses carry no body by definition.
      response.end();
      return;
    }
    response
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
      .putHeader(HttpHeaders.CONTENT_LENGTH, Integer.toString(body.length()));
    if (shape.trickleMs() == 0) {
      response.end(body);
    } else {
      trickle(ctx, body, shape.trickleMs());
    }
  }

  /** Writes {@code body} in pieces, one per timer tick; stops if the client goes away. */
  private void trickle(RoutingContext ctx, Buffer body, long trickleMs) {
    HttpServerResponse response = ctx.response();
    int pieces = Math.min(TRICKLE_PIECES, body.length());
    int pieceBytes = (body.length() + pieces - 1) / pieces;
    long interval = Math.max(1, trickleMs / pieces);
    int[] written = {0};
    long timer = vertx.setPeriodic(interval, id -> {
      if (response.closed()) {
        vertx.cancelTimer(id);
        return;
      }
      int from = written[0];
      int to = Math.min(body.length(), from + pieceBytes);
      written[0] = to;
      if (to == body.length()) {
        vertx.cancelTimer(id);
        response.end(body.slice(from, to));
      } else {
        response.write(body.slice(from, to));
      }
    });
    // An end handler, not the response's close handler: that one belongs to vertx-web (and the in-flight registry).
    ctx.addEndHandler(ended -> vertx.cancelTimer(timer));
  }

  /** The document, grown with a {@code "padding"} string so that it is {@code bytes} long (never shorter than itself). */
  static Buffer padded(JsonObject document, int bytes) {
    Buffer plain = document.toBuffer();
    if (bytes <= plain.length()) {
      return plain;
    }
    int padding = Math.max(0, bytes - plain.length() - PADDING_OPEN.length - PADDING_CLOSE.length + 1);
    byte[] filler = new byte[padding];
    Arrays.fill(filler, (byte) 'x');
    return Buffer.buffer(bytes)
      .appendBuffer(plain, 0, plain.length() - 1)
      .appendBytes(PADDING_OPEN)
      .appendBytes(filler)
      .appendBytes(PADDING_CLOSE);
  }
}
