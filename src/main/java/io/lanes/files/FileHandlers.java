package io.lanes.files;

import io.lanes.app.Node;
import io.lanes.bus.Addresses;
import io.lanes.http.ApiException;
import io.lanes.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The routes of the file lane: {@code /write} (and its aliases) in four modes, and {@code /send}, which answers first
 * and appends its log line afterwards. One instance per HttpVerticle; the lanes themselves are the node's.
 */
public final class FileHandlers {

  private static final Logger LOG = LoggerFactory.getLogger(FileHandlers.class);
  private static final String WRITE_REQUEST = "lanes.files.writeRequest";
  private static final String BYTES = "bytes";
  private static final String MODE = "mode";
  private static final String MESSAGE = "message";
  /** The log line of a {@code /send} without a message. */
  public static final String DEFAULT_MESSAGE = "Message received";
  private static final AtomicLong APPENDS = new AtomicLong();

  private final Vertx vertx;
  private final Node node;
  private final FileLane files;
  private final AsyncFileWriter asyncWriter;
  private final DeliveryOptions writeDelivery;

  public FileHandlers(Vertx vertx, Node node) {
    this.vertx = vertx;
    this.node = node;
    this.files = node.files();
    this.asyncWriter = AsyncFileWriter.from(vertx, files.config());
    this.writeDelivery = new DeliveryOptions().setSendTimeout(files.config().writeTimeoutMs());
  }

  private record WriteRequest(long bytes, WriteMode mode) {
  }

  /** Route step of {@code /write}: {@code bytes} and {@code mode} (default {@code worker}) are valid and allowed. */
  public Handler<RoutingContext> validateWrite() {
    return ctx -> validateWrite(ctx, modeOf(ctx.request().getParam(MODE)));
  }

  /** Route step of an alias that fixes the mode: {@code bytes} is valid and the mode allowed. */
  public Handler<RoutingContext> validateWrite(WriteMode mode) {
    return ctx -> validateWrite(ctx, mode);
  }

  private void validateWrite(RoutingContext ctx, WriteMode mode) {
    long bytes = bytesOf(ctx.request().getParam(BYTES));
    if (eventLoopBlockingIsRefused(mode)) {
      throw new ApiException(403, "mode refused", "mode event-loop blocks an event loop on purpose (a demo of the "
        + "anti-pattern); it is off unless demo.allowEventLoopBlocking is true");
    }
    ctx.put(WRITE_REQUEST, new WriteRequest(bytes, mode));
    ctx.next();
  }

  /** Writes the validated number of bytes in the validated mode and answers how long it took. */
  public void write(RoutingContext ctx) {
    WriteRequest request = ctx.get(WRITE_REQUEST);
    long started = System.nanoTime();
    writeIn(request.mode(), request.bytes())
      .recover(FileHandlers::ioFailureToAnswer)
      .onSuccess(written -> Responses.ok(ctx, new JsonObject()
        .put("waiting_time", (System.nanoTime() - started) / 1e9)
        .put("unit", "seconds")
        .put(BYTES, written)
        .put(MODE, request.mode().id())))
      .onFailure(ctx::fail);
  }

  private Future<Long> writeIn(WriteMode mode, long bytes) {
    return switch (mode) {
      case WORKER -> files.writes().submit(() -> writeOnWorker(bytes));
      case BLOCKING -> node.blocking().execute(() -> files.writer().write(bytes));
      case ASYNC -> files.writes().submit(() -> asyncWriter.write(bytes));
      case EVENT_LOOP -> writeOnEventLoop(bytes);
    };
  }

  private Future<Long> writeOnWorker(long bytes) {
    return vertx.eventBus()
      .<JsonObject>request(Addresses.FILES_WRITE, new JsonObject().put(BYTES, bytes), writeDelivery)
      .map(Message::body)
      .map(reply -> reply.getLong(FileWriterVerticle.BYTES));
  }

  /** The anti-pattern, on purpose: this thread is an event loop, and it is blocked for the whole write. */
  private Future<Long> writeOnEventLoop(long bytes) {
    try {
      return Future.succeededFuture(files.writer().write(bytes));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }

  /** The route's body handler: {@code http.maxBodyBytes} at most (413 past it), no file uploads. */
  public Handler<RoutingContext> sendBody() {
    return BodyHandler.create(false).setBodyLimit(node.config().http().maxBodyBytes());
  }

  /**
   * Answers {@code {"status":"Message received"}} at once; the line is appended to {@code log.txt} afterwards on the
   * log appender, tracked as background work so a shutdown writes it before the process exits. The append does not
   * depend on the connection: a client that leaves after its answer does not cancel it. After a failed append (the data
   * directory vanished) it answers 503 until the appender recovers; the lines accepted before that failure are lost.
   */
  public void send(RoutingContext ctx) {
    String line = LogAppender.line(Instant.now(), messageOf(ctx.body().buffer()));
    if (files.log().failing()) {
      // Accepting the line would lose it: refuse until a probe finds log.txt writable again.
      files.log().probe();
      throw new ApiException(503, "log unavailable", "log.txt could not be written (the data directory is missing or "
        + "not writable); retry later");
    }
    Future<Void> appended;
    try {
      appended = files.log().append(line);
    } catch (LogFullException full) {
      throw new ApiException(503, "lane full", new JsonObject()
        .put("lane", "log")
        .put("maxQueuedBytes", full.maxQueuedBytes())
        .put("message", "too many log lines waiting to be written; retry later"));
    }
    String id = "log-append-" + APPENDS.incrementAndGet();
    node.background().track(id, appended)
      .onFailure(failure -> LOG.warn("Log append {} failed: {}", id, failure.toString()));
    Responses.ok(ctx, new JsonObject().put("status", "Message received"));
  }

  private long bytesOf(String raw) {
    long max = files.config().maxBytes();
    if (raw == null) {
      return files.config().defaultBytes();
    }
    BigInteger value;
    try {
      value = new BigInteger(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badParameter(BYTES, "must be a whole number of bytes, 0.." + max, raw);
    }
    if (value.signum() < 0) {
      throw ApiException.badParameter(BYTES, "must not be negative", raw);
    }
    if (value.compareTo(BigInteger.valueOf(max)) > 0) {
      throw new ApiException(413, "payload too large", new JsonObject()
        .put("parameter", BYTES)
        .put("problem", "must be at most files.maxBytes = " + max));
    }
    return value.longValueExact();
  }

  private static WriteMode modeOf(String raw) {
    if (raw == null) {
      return WriteMode.WORKER;
    }
    return WriteMode.parse(raw)
      .orElseThrow(() -> ApiException.badParameter(MODE, "must be one of " + WriteMode.ids(), raw));
  }

  private boolean eventLoopBlockingIsRefused(WriteMode mode) {
    return mode == WriteMode.EVENT_LOOP && !node.config().demo().allowEventLoopBlocking();
  }

  /** The body's {@code message}; {@link #DEFAULT_MESSAGE} without a body or without the field. */
  private static String messageOf(Buffer body) {
    if (body == null || body.length() == 0) {
      return DEFAULT_MESSAGE;
    }
    Object json = Json.decodeValue(body);
    if (!(json instanceof JsonObject object)) {
      throw new ApiException(400, "bad body", "the body must be a JSON object like {\"message\": \"...\"}");
    }
    Object message = object.getValue(MESSAGE);
    if (message == null) {
      return DEFAULT_MESSAGE;
    }
    if (!(message instanceof String text)) {
      throw new ApiException(400, "bad body", "message must be a string");
    }
    return text;
  }

  /** A write the disk refused is the same answer in every mode: 503 without paths (the worker mode's code IO). */
  private static <T> Future<T> ioFailureToAnswer(Throwable failure) {
    if (WriteFailures.isIo(failure)) {
      LOG.warn("File write failed: {}", failure.toString());
      return Future.failedFuture(new ApiException(503, "service unavailable", WriteFailures.describe(failure)));
    }
    return Future.failedFuture(failure);
  }
}
