package io.lanes.files;

import io.lanes.http.ApiException;
import io.lanes.http.Operations;
import io.lanes.http.RequestValue;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.lanes.lifecycle.BackgroundWork;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigInteger;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The routes of the file lane: {@code /write} (and its aliases) in four modes, and {@code /send}, which answers first
 * and appends its log line afterwards. The writes and the appender are the node's.
 */
public final class FileRoutes implements Routes {

  private static final Logger LOG = LoggerFactory.getLogger(FileRoutes.class);
  private static final RequestValue<Write> WRITE = RequestValue.named("files.write");
  private static final String BYTES = "bytes";
  private static final String MODE = "mode";
  private static final String MESSAGE = "message";
  /** The log line of a {@code /send} without a message. */
  public static final String DEFAULT_MESSAGE = "Message received";
  private static final AtomicLong APPENDS = new AtomicLong();

  private final WriteModes writes;
  private final LogAppender log;
  private final BackgroundWork background;
  private final Limits limits;

  /**
   * What the routes accept: {@code bytes} up to {@code maxBytes} (default {@code defaultBytes}), the event-loop mode only
   * when {@code allowEventLoopBlocking}.
   */
  public record Limits(long defaultBytes, long maxBytes, boolean allowEventLoopBlocking) {
  }

  public FileRoutes(WriteModes writes, LogAppender log, BackgroundWork background, Limits limits) {
    this.writes = writes;
    this.log = log;
    this.background = background;
    this.limits = limits;
  }

  /** A validated {@code /write}. */
  private record Write(long bytes, WriteMode mode) {
  }

  @Override
  public void operations(Operations operations) {
    write(operations, null, "write", "writePost");
    write(operations, WriteMode.BLOCKING, "writeWithThread", "writeWithThreadPost");
    write(operations, WriteMode.ASYNC, "writeAsync", "writeAsyncPost");
    write(operations, WriteMode.EVENT_LOOP, "writeBad", "writeBadPost");
    operations.handle("send", this::send);
  }

  /** The GET and POST operations of one write route: the mode is {@code fixed}, or {@code ?mode=} when null. */
  private void write(Operations operations, WriteMode fixed, String... operationIds) {
    for (String operationId : operationIds) {
      operations.handle(operationId,
        ctx -> validateWrite(ctx, fixed == null ? modeOf(ctx.request().getParam(MODE)) : fixed),
        this::write);
    }
  }

  @Override
  public ApiException answer(Throwable failure) {
    if (failure instanceof LogFullException full) {
      return new ApiException(503, "lane full", new JsonObject()
        .put("lane", "log")
        .put("maxQueuedBytes", full.maxQueuedBytes())
        .put("message", "too many log lines waiting to be written; retry later"));
    }
    return null;
  }

  /** Route step of {@code /write}: {@code bytes} and {@code mode} are valid and the mode allowed. */
  private void validateWrite(RoutingContext ctx, WriteMode mode) {
    long bytes = bytesOf(ctx.request().getParam(BYTES));
    if (eventLoopBlockingIsRefused(mode)) {
      throw new ApiException(403, "mode refused", "mode event-loop blocks an event loop on purpose (a demo of the "
        + "anti-pattern); it is off unless demo.allowEventLoopBlocking is true");
    }
    WRITE.put(ctx, new Write(bytes, mode));
    ctx.next();
  }

  /** Writes the validated number of bytes in the validated mode and answers how long it took. */
  private void write(RoutingContext ctx) {
    Write request = WRITE.get(ctx);
    long started = System.nanoTime();
    writes.write(request.mode(), request.bytes())
      .recover(FileRoutes::ioFailureToAnswer)
      .onSuccess(written -> Responses.ok(ctx, new JsonObject()
        .put("waiting_time", (System.nanoTime() - started) / 1e9)
        .put("unit", "seconds")
        .put(BYTES, written)
        .put(MODE, request.mode().id())))
      .onFailure(ctx::fail);
  }

  /**
   * Answers {@code {"status":"Message received"}} at once; the line is appended to {@code log.txt} afterwards on the
   * log appender, tracked as background work so a shutdown writes it before the process exits. The append does not
   * depend on the connection: a client that leaves after its answer does not cancel it. After a failed append (the data
   * directory vanished) it answers 503 until the appender recovers; the lines accepted before that failure are lost.
   */
  private void send(RoutingContext ctx) {
    String line = LogAppender.line(Instant.now(), messageOf(ctx.body().buffer()));
    if (log.failing()) {
      // Accepting the line would lose it: refuse until a probe finds log.txt writable again.
      log.probe();
      throw new ApiException(503, "log unavailable", "log.txt could not be written (the data directory is missing or "
        + "not writable); retry later");
    }
    Future<Void> appended = log.append(line);
    String id = "log-append-" + APPENDS.incrementAndGet();
    background.track(id, appended)
      .onFailure(failure -> LOG.warn("Log append {} failed: {}", id, failure.toString()));
    Responses.ok(ctx, new JsonObject().put("status", "Message received"));
  }

  private long bytesOf(String raw) {
    long max = limits.maxBytes();
    if (raw == null) {
      return limits.defaultBytes();
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
    return mode == WriteMode.EVENT_LOOP && !limits.allowEventLoopBlocking();
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
