package io.lanes.fanout;

import io.lanes.config.LanesConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;

import java.net.ConnectException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls one upstream with one deadline ({@code fanout.timeoutMs}) over connecting, waiting for the pool, waiting for the
 * answer and reading the body, and a body cap ({@code fanout.maxBodyBytes}). Owns one HTTP client whose pool holds
 * {@code fanout.poolSize} connections per upstream host. A call that misses its deadline or overflows the cap is reset,
 * which closes its connection, so no half-read connection goes back to the pool.
 *
 */
public final class UpstreamClient {

  private final HttpClientAgent client;
  private final long timeoutMs;
  private final int maxBodyBytes;
  private final FanoutListener listener;

  private UpstreamClient(HttpClientAgent client, long timeoutMs, int maxBodyBytes, FanoutListener listener) {
    this.client = client;
    this.timeoutMs = timeoutMs;
    this.maxBodyBytes = maxBodyBytes;
    this.listener = listener;
  }

  /** Create it in a verticle's {@code start()}: the client belongs to that verticle's context. */
  public static UpstreamClient create(Vertx vertx, LanesConfig.Fanout config, FanoutListener listener) {
    // Core HttpClient, not the Web Client: only its public API gives one deadline over connecting, waiting and the whole
    // body, a body cap, and a reset of a half-read connection. The Web Client's timeout() is an idle timeout (a trickling
    // body passes it), and a failing body codec leaves the connection streaming.
    HttpClientOptions options = new HttpClientOptions()
      // The TCP connect gives up with the deadline, so a black-holed host does not hold a pool slot past it.
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, config.timeoutMs()))
      .setKeepAlive(true);
    PoolOptions pool = new PoolOptions().setHttp1MaxSize(config.poolSize());
    return new UpstreamClient(vertx.createHttpClient(options, pool), config.timeoutMs(), config.maxBodyBytes(), listener);
  }

  /** Never fails: every failure is an {@link UpstreamResult} with its {@link Outcome}, within the deadline. */
  public Future<UpstreamResult> fetch(String name, String url) {
    return new Call(name, url).run();
  }

  public Future<UpstreamResult> fetch(Upstream upstream) {
    return fetch(upstream.name(), upstream.url());
  }

  public long timeoutMs() {
    return timeoutMs;
  }

  public Future<Void> close() {
    return client.close();
  }

  /** One call's state: touched only from the event loop that started it. */
  private final class Call {

    private final String name;
    private final String url;
    private final long startedNanos = System.nanoTime();
    private HttpClientRequest request;
    private Integer status;
    private boolean over;

    Call(String name, String url) {
      this.name = name;
      this.url = url;
    }

    Future<UpstreamResult> run() {
      Future<UpstreamResult> answered;
      try {
        answered = exchange();
      } catch (RuntimeException badUrl) {
        answered = Future.failedFuture(badUrl);
      }
      return answered
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .recover(this::failed)
        .andThen(done -> finish(done.result()));
    }

    private Future<UpstreamResult> exchange() {
      RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(url)
        .setFollowRedirects(false)
        // Waiting for a pooled connection is part of the deadline: the waiter leaves the queue when it passes.
        .setConnectTimeout(timeoutMs)
        .putHeader(HttpHeaders.ACCEPT, "application/json");
      return client.request(options)
        .compose(this::send)
        .compose(response -> {
          status = response.statusCode();
          return readBody(response).map(body -> answered(response.statusCode(), body));
        });
    }

    private Future<HttpClientResponse> send(HttpClientRequest obtained) {
      request = obtained;
      if (over) {
        // The deadline passed while this request waited for its connection: give the connection back unused.
        obtained.reset();
        return Future.failedFuture(new TimeoutException("deadline passed"));
      }
      return obtained.send();
    }

    /** Reads the body into memory up to the cap; one byte more (or a longer declared length) resets the request. */
    private Future<Buffer> readBody(HttpClientResponse response) {
      Promise<Buffer> read = Promise.promise();
      response.exceptionHandler(read::tryFail);
      String declared = response.getHeader(HttpHeaders.CONTENT_LENGTH);
      if (declared != null && declaredLength(declared) > maxBodyBytes) {
        return tooLarge(read);
      }
      Buffer body = Buffer.buffer();
      response.handler(chunk -> {
        if (read.future().isComplete()) {
          return;
        }
        if (body.length() + chunk.length() > maxBodyBytes) {
          tooLarge(read);
          return;
        }
        body.appendBuffer(chunk);
      });
      response.endHandler(end -> read.tryComplete(body));
      return read.future();
    }

    private Future<Buffer> tooLarge(Promise<Buffer> read) {
      // Fail first: the reset reports its own failure to the exception handler at once.
      read.tryFail(new BodyTooLargeException(maxBodyBytes));
      abort();
      return read.future();
    }

    private UpstreamResult answered(int statusCode, Buffer body) {
      long elapsedMs = elapsedMs();
      if (!isSuccess(statusCode)) {
        return UpstreamResult.failed(name, statusCode, elapsedMs, Outcome.HTTP_STATUS, "answered HTTP " + statusCode);
      }
      if (body.length() == 0) {
        return UpstreamResult.failed(name, statusCode, elapsedMs, Outcome.BAD_JSON, "the body is empty");
      }
      try {
        return UpstreamResult.ok(name, statusCode, elapsedMs, Json.decodeValue(body));
      } catch (DecodeException e) {
        return UpstreamResult.failed(name, statusCode, elapsedMs, Outcome.BAD_JSON, "the body is not JSON");
      }
    }

    private Future<UpstreamResult> failed(Throwable cause) {
      Outcome outcome = outcomeOf(cause);
      if (outcome == Outcome.TIMEOUT) {
        abort();
      }
      return Future.succeededFuture(UpstreamResult.failed(name, status, elapsedMs(), outcome, messageFor(outcome, cause)));
    }

    /** Stops the exchange: a request in progress is reset, which closes its HTTP/1 connection instead of pooling it. */
    private void abort() {
      over = true;
      if (request != null) {
        request.reset();
      }
    }

    private void finish(UpstreamResult result) {
      over = true;
      listener.completed(name, result.outcome(), System.nanoTime() - startedNanos);
    }

    private long elapsedMs() {
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    }

    private Outcome outcomeOf(Throwable cause) {
      if (cause instanceof TimeoutException) {
        return Outcome.TIMEOUT;
      }
      if (cause instanceof BodyTooLargeException) {
        // An error answer's body is read only to keep its connection; its status is the news.
        return isSuccess(status) ? Outcome.TOO_LARGE : Outcome.HTTP_STATUS;
      }
      return Outcome.CONNECT;
    }

    private String messageFor(Outcome outcome, Throwable cause) {
      return switch (outcome) {
        case TIMEOUT -> "no complete answer within " + timeoutMs + " ms";
        case TOO_LARGE -> "the body is over " + maxBodyBytes + " bytes";
        case HTTP_STATUS -> "answered HTTP " + status;
        default -> cause instanceof ConnectException
          ? "could not connect: " + cause.getMessage()
          : "the connection failed: " + cause.getMessage();
      };
    }
  }

  private static boolean isSuccess(Integer status) {
    return status != null && status >= 200 && status <= 299;
  }

  private static long declaredLength(String header) {
    try {
      return Long.parseLong(header.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** The body passed {@code fanout.maxBodyBytes}. */
  static final class BodyTooLargeException extends RuntimeException {
    BodyTooLargeException(int maxBodyBytes) {
      super("body over " + maxBodyBytes + " bytes", null, false, false);
    }
  }
}
