package io.lanes.reliability;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The driver's HTTP: a Vert.x client for bursts (one connection per concurrent request), raw sockets for the odd cases. */
final class Http {

  /** One answer, or the failure instead of it; {@code millis} from sending to the end of the body. */
  record Answer(int status, MultiMap headers, String body, double millis, Throwable failure) {
    boolean ok() {
      return failure == null;
    }

    String header(String name) {
      return headers == null ? null : headers.get(name);
    }

    @Override
    public String toString() {
      return failure != null ? "failure " + failure : status + " " + (body.length() > 160 ? body.substring(0, 160) + "..." : body);
    }
  }

  final Vertx vertx;
  final HttpClient client;
  final String host = "127.0.0.1";
  final int port;

  Http(Vertx vertx, int port, int maxConnections) {
    this(vertx, port, maxConnections, true);
  }

  Http(Vertx vertx, int port, int maxConnections, boolean keepAlive) {
    this.vertx = vertx;
    this.port = port;
    this.client = vertx.createHttpClient(new HttpClientOptions()
        .setDefaultHost(host).setDefaultPort(port).setKeepAlive(keepAlive).setMaxInitialLineLength(64 * 1024),
      new PoolOptions().setHttp1MaxSize(maxConnections).setMaxWaitQueueSize(-1));
  }

  Future<Answer> get(String uri) {
    return call(HttpMethod.GET, uri, null, null, 30_000);
  }

  Future<Answer> call(HttpMethod method, String uri, MultiMap headers, Buffer body, long timeoutMs) {
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(method).setURI(uri).setTimeout(timeoutMs).setIdleTimeout(timeoutMs);
    if (headers != null) {
      options.setHeaders(headers);
    }
    return client.request(options)
      .compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(b -> new Answer(response.statusCode(), response.headers(),
        b.toString(StandardCharsets.UTF_8), (System.nanoTime() - start) / 1e6, null)))
      .timeout(timeoutMs + 2000, TimeUnit.MILLISECONDS)
      .otherwise(failure -> new Answer(-1, null, "", (System.nanoTime() - start) / 1e6, failure));
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

  void close() {
    client.close();
  }
}
