package io.lanes.reliability;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The driver's HTTP: a pooled Vert.x client with keep-alive for every scenario (one connection per concurrent request),
 * raw sockets for the odd cases.
 *
 * <p>The client reads each response through {@link #send} and {@link #body}, never with
 * {@code client.request(o).compose(req -> req.send()).compose(resp -> resp.body())} built on the driver's thread: in Vert.x
 * 5.0.10 a {@code body()} asked for after the response ended returns a future that never completes
 * (eclipse-vertx/vert.x#6038), and a chain built off the event loop can ask that late whenever the driver's thread loses
 * the CPU between two {@code compose} calls. {@link #send} pauses the response in {@code send()}'s own callback, on the
 * event loop, as the Web Client does, so the body and end wait for whoever reads them, from any thread, however late.
 */
final class Http {

  /** One answer, or the failure instead of it; {@code millis} from sending to the end of the body. */
  record Answer(int status, MultiMap headers, String body, double millis, Throwable failure, boolean retried) {
    Answer(int status, MultiMap headers, String body, double millis, Throwable failure) {
      this(status, headers, body, millis, failure, false);
    }

    boolean ok() {
      return failure == null;
    }

    String header(String name) {
      return headers == null ? null : headers.get(name);
    }

    /** The same answer, got on a second attempt after a closed connection. */
    Answer afterRetry() {
      return new Answer(status, headers, body, millis, failure, true);
    }

    @Override
    public String toString() {
      String text = failure != null ? "failure " + failure : status + " " + (body.length() > 160 ? body.substring(0, 160) + "..." : body);
      return retried ? text + " (sent again after a closed connection)" : text;
    }
  }

  /** What the clients of one scenario saw: requests, those sent again after a closed connection, those never answered. */
  static final class Tally {
    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong retried = new AtomicLong();
    private final ConcurrentLinkedQueue<String> unanswered = new ConcurrentLinkedQueue<>();

    long requests() {
      return requests.get();
    }

    long retried() {
      return retried.get();
    }

    List<String> unanswered() {
      return List.copyOf(unanswered);
    }
  }

  /** Methods a client may send again when the connection closed under them (RFC 9110, 9.2.2). */
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.PUT,
    HttpMethod.DELETE, HttpMethod.OPTIONS, HttpMethod.TRACE);

  final Vertx vertx;
  final HttpClient client;
  final String host = "127.0.0.1";
  final int port;
  private final Tally tally;

  /**
   * A client whose pooled connections expire a second before the server's idle timeout closes them (Lanes' own
   * {@code Keep-Alive: timeout=N} says the same), so it does not send on a connection the server is about to close.
   * Vert.x drops an expired connection only when its pool cleaner runs (every second by default, which would eat that
   * second): here every 100 ms.
   */
  Http(Vertx vertx, int port, int maxConnections, int serverIdleSeconds, Tally tally) {
    if (serverIdleSeconds < 2) {
      throw new IllegalArgumentException("no whole second of keep-alive below an idle timeout of " + serverIdleSeconds + " s");
    }
    this.vertx = vertx;
    this.port = port;
    this.tally = tally;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setDefaultHost(host).setDefaultPort(port).setKeepAlive(true).setKeepAliveTimeout(serverIdleSeconds - 1)
        .setMaxInitialLineLength(64 * 1024),
      new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1).setCleanerPeriod(100));
  }

  Future<Answer> get(String uri) {
    return call(HttpMethod.GET, uri, null, null, 30_000);
  }

  /**
   * One request, never failing: its answer, or an {@link Answer} holding the failure once {@code timeoutMs} (+2 s) passed.
   * An idempotent request whose connection closed before its answer came (the server closing an idle connection just as
   * it was reused) is sent once more.
   */
  Future<Answer> call(HttpMethod method, String uri, MultiMap headers, Buffer body, long timeoutMs) {
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    if (headers != null) {
      options.setHeaders(headers);
    }
    tally.requests.incrementAndGet();
    return exchange(options, body, start)
      .recover(failure -> {
        if (!IDEMPOTENT.contains(method) || !closedConnection(failure)) {
          return Future.failedFuture(failure);
        }
        tally.retried.incrementAndGet();
        return exchange(options, body, start).map(Answer::afterRetry);
      })
      .timeout(timeoutMs + 2000, TimeUnit.MILLISECONDS)
      .otherwise(failure -> {
        if (failure instanceof TimeoutException) {
          tally.unanswered.add(method + " " + uri + ": " + failure);
        }
        return new Answer(-1, null, "", (System.nanoTime() - start) / 1e6, failure);
      });
  }

  private Future<Answer> exchange(RequestOptions options, Buffer body, long start) {
    return send(client, options, body).compose(response -> body(response).map(b -> new Answer(response.statusCode(),
      response.headers(), b.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e6, null)));
  }

  /**
   * Sends a request and completes with its response paused: the pause happens in {@code send()}'s callback, on the event
   * loop, in the task that received the response head, before its body or end can be handled. Read it with {@link #body}.
   */
  static Future<HttpClientResponse> send(HttpClient client, RequestOptions options, Buffer body) {
    return client.request(options).compose(request -> sent(request, body).map(HttpClientResponse::pause));
  }

  private static Future<HttpClientResponse> sent(HttpClientRequest request, Buffer body) {
    return body == null ? request.send() : request.send(body);
  }

  /** The whole body of a response {@link #send} paused: its handlers are set first, then it resumes. */
  static Future<Buffer> body(HttpClientResponse response) {
    Future<Buffer> body = response.body();
    response.resume();
    return body;
  }

  /** The connection closed before the answer: an EOF or a closed channel, never a timeout. */
  private static boolean closedConnection(Throwable failure) {
    return failure instanceof HttpClosedException || failure instanceof ClosedChannelException;
  }

  /** Waits for a future from a plain thread. */
  static <T> T await(Future<T> future, long seconds) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(seconds, TimeUnit.SECONDS);
  }

  static List<Answer> awaitAll(List<Future<Answer>> futures, long seconds) throws Exception {
    await(Future.join(futures), seconds);
    return futures.stream().map(Future::result).toList();
  }

  /** A one-off GET on a fresh connection; the status, or -1 when no answer came within 2 s. */
  static int probe(String url) {
    return rawGet(url, 2000).status();
  }

  /** A GET on its own socket (no pool): status and body, or status -1. */
  static Answer rawGet(String url, int timeoutMs) {
    java.net.URI uri = java.net.URI.create(url);
    long start = System.nanoTime();
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
      String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int bodyAt = text.indexOf("\r\n\r\n");
      return new Answer(status, null, bodyAt < 0 ? "" : text.substring(bodyAt + 4), (System.nanoTime() - start) / 1e6, null);
    } catch (IOException | RuntimeException e) {
      return new Answer(-1, null, "", (System.nanoTime() - start) / 1e6, e);
    }
  }

  /** Sends raw bytes, then reads until the server closes or {@code timeoutMs}; returns what came back. */
  static String raw(int port, byte[] request, int timeoutMs) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      OutputStream out = socket.getOutputStream();
      out.write(request);
      out.flush();
      InputStream in = socket.getInputStream();
      try {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      } catch (java.net.SocketTimeoutException e) {
        return "";
      }
    }
  }

  /**
   * Sends raw bytes and reads only the response head (up to the blank line), for a response that never ends (a
   * Server-Sent Events stream); "" when no whole head came within {@code timeoutMs}.
   */
  static String rawHead(int port, byte[] request, int timeoutMs) throws IOException {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      socket.getOutputStream().write(request);
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      try {
        int b;
        while ((b = in.read()) >= 0) {
          head.append((char) b);
          if (head.length() >= 4 && head.lastIndexOf("\r\n\r\n") == head.length() - 4) {
            return head.toString();
          }
        }
      } catch (java.net.SocketTimeoutException e) {
        return "";
      }
      return head.toString();
    }
  }

  static MultiMap json() {
    return contentType("application/json");
  }

  /** A {@code Content-Type} header, or no header for null or "". */
  static MultiMap contentType(String contentType) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (contentType != null && !contentType.isEmpty()) {
      headers.add("Content-Type", contentType);
    }
    return headers;
  }

  /** The status of a raw HTTP/1 response, or -1. */
  static int statusOf(String response) {
    return response.startsWith("HTTP/1.") && response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : -1;
  }

  void close() {
    client.close();
  }
}
