package io.lanes.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The overload row of scripts/bench: {@code count} requests to one URI at once, each on its own connection, while a
 * probe asks {@code /hello} every 10 ms; then one JSON line: how many were accepted (2xx) and refused (503), how fast
 * each kind was answered, whether a refusal carried {@code Retry-After}, and the probe's latencies. Latency is measured
 * per request, by status, which wrk cannot do. Before the burst, five requests in a row give the URI's service time
 * alone ({@code service_ms}, their slowest). Usage: {@code java -cp ... io.lanes.bench.Overload <port> <uri> <count>}.
 *
 * <p>The {@code count} connections are opened (and this client's code warmed) before the burst, by {@code count}
 * {@code /hello} at once, twice: the burst then measures how the lanes answer 1,000 requests at once, not how a cold
 * JVM opens 1,000 connections. Measured on the 2-core machine: 1,000 {@code /hello} at once on new connections from a
 * cold client took 2 to 3 s each (a 503 cannot come faster than its connection), on open warm ones under 0.5 s.
 */
public final class Overload {

  private static final String HOST = "127.0.0.1";

  private Overload() {
  }

  /** One answer: its status ({@code -1} for a failure) and how long it took, in ms. */
  private record Answer(int status, double millis, boolean retryAfter) {
  }

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    String uri = args[1];
    int count = Integer.parseInt(args[2]);
    Vertx vertx = Vertx.vertx();
    HttpClient burst = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port),
      new PoolOptions().setHttp1MaxSize(count).setMaxWaitQueueSize(-1));
    HttpClient probe = vertx.createHttpClient(new HttpClientOptions().setDefaultHost(HOST).setDefaultPort(port),
      new PoolOptions().setHttp1MaxSize(1));
    try {
      // Its service time alone first: five in a row, none waiting.
      double serviceMs = 0;
      for (int i = 0; i < 5; i++) {
        serviceMs = Math.max(serviceMs, call(probe, uri, 60_000).toCompletionStage().toCompletableFuture()
          .get(60, TimeUnit.SECONDS).millis());
      }
      for (int round = 0; round < 2; round++) {
        List<Future<Answer>> opened = new ArrayList<>();
        for (int i = 0; i < count; i++) {
          opened.add(call(burst, "/hello", 60_000));
        }
        Future.join(opened).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
      }
      List<Answer> hello = new ArrayList<>();
      AtomicBoolean probing = new AtomicBoolean(true);
      Future<Void> probed = probe(vertx, probe, probing, hello);
      List<Future<Answer>> answers = new ArrayList<>();
      long started = System.nanoTime();
      for (int i = 0; i < count; i++) {
        answers.add(call(burst, uri, 300_000));
      }
      Future.join(answers).toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
      double wallMs = (System.nanoTime() - started) / 1e6;
      probing.set(false);
      probed.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      System.out.println(report(answers.stream().map(Future::result).toList(), hello, wallMs)
        .put("service_ms", Math.round(serviceMs * 10) / 10.0).encode());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  private static Future<Answer> call(HttpClient client, String uri, long timeoutMs) {
    long start = System.nanoTime();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setURI(uri).setIdleTimeout(timeoutMs);
    // The body is read inside send()'s own continuation, on the connection's event loop (eclipse-vertx/vert.x#6038).
    return client.request(options)
      .compose(request -> request.send().compose(response -> response.body().map(body -> new Answer(
        response.statusCode(), (System.nanoTime() - start) / 1e6, response.getHeader("Retry-After") != null))))
      .otherwise(failure -> new Answer(-1, (System.nanoTime() - start) / 1e6, false));
  }

  private static Future<Void> probe(Vertx vertx, HttpClient probe, AtomicBoolean probing, List<Answer> hello) {
    if (!probing.get()) {
      return Future.succeededFuture();
    }
    return call(probe, "/hello", 10_000)
      .compose(answer -> {
        synchronized (hello) {
          hello.add(answer);
        }
        return vertx.timer(10, TimeUnit.MILLISECONDS);
      })
      .compose(v -> probe(vertx, probe, probing, hello));
  }

  private static JsonObject report(List<Answer> answers, List<Answer> hello, double wallMs) {
    List<Answer> accepted = answers.stream().filter(a -> a.status() >= 200 && a.status() < 300).toList();
    List<Answer> refused = answers.stream().filter(a -> a.status() == 503).toList();
    long other = answers.size() - accepted.size() - refused.size();
    return new JsonObject()
      .put("requests", answers.size())
      .put("accepted", accepted.size())
      .put("refused", refused.size())
      .put("other", other)
      .put("shed_fraction", answers.isEmpty() ? 0 : (double) refused.size() / answers.size())
      .put("refused_without_retry_after", refused.stream().filter(a -> !a.retryAfter()).count())
      .put("accepted_p50_ms", percentile(accepted, 50))
      .put("accepted_p99_ms", percentile(accepted, 99))
      .put("refused_p50_ms", percentile(refused, 50))
      .put("refused_p99_ms", percentile(refused, 99))
      .put("hello", hello.size())
      .put("hello_failed", hello.stream().filter(a -> a.status() != 200).count())
      .put("hello_p99_ms", percentile(hello, 99))
      .put("wall_ms", Math.round(wallMs));
  }

  private static double percentile(List<Answer> answers, double p) {
    if (answers.isEmpty()) {
      return 0;
    }
    double[] sorted = answers.stream().mapToDouble(Answer::millis).toArray();
    Arrays.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return Math.round(sorted[Math.max(0, Math.min(sorted.length - 1, index))] * 10) / 10.0;
  }
}
