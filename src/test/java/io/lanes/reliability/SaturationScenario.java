package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.stream.Stream;

import static io.lanes.reliability.Stats.count;
import static io.lanes.reliability.Stats.pct;

/**
 * Saturation: 1,000 {@code /write} + 1,000 {@code /process} at once against small lanes (files 2+8, compute 1+8). The
 * excess is refused with 503 + {@code Retry-After} within 50 ms (100 ms in the fast run), accepted work completes, RSS
 * stays bounded, and {@code /hello} keeps answering.
 */
final class SaturationScenario implements Scenario {

  private static final String WRITE = "/write?bytes=" + 128 * 1024 * 1024;
  private static final String PROCESS = "/process?n=7&iterations=100000000";

  @Override
  public String name() {
    return "saturation";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    int n = stage.fast ? 200 : 1000;
    LanesProcess lanes = stage.start(new JsonObject()
      .put("files", new JsonObject().put("writerInstances", 2).put("queueLimit", 8))
      .put("compute", new JsonObject().put("instances", 1).put("queueLimit", 8))
      .encode(), true);
    Http http = stage.http(2 * n + 10);
    HelloProbe hello = null;
    try {
      // Open every connection first, so the burst measures admission, not TCP set-up.
      List<Future<Answer>> warm = new ArrayList<>();
      for (int i = 0; i < 2 * n; i++) {
        warm.add(http.get("/hello"));
      }
      Http.awaitAll(warm, 60);
      hello = new HelloProbe(lanes.base + "/hello", 50);
      List<Future<Answer>> writes = new ArrayList<>(), jobs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        writes.add(http.get(WRITE));
        jobs.add(http.get(PROCESS));
      }
      // Once the burst's own refusals are back, the lanes are still full of accepted work: requests arriving now are
      // "the excess" the promise is about, measured without 2,000 others queued in front of them on 2 shared cores.
      int capacity = (2 + 8) + (1 + 8);
      Poll.until(() -> Stream.concat(writes.stream(), jobs.stream()).filter(f -> !f.isComplete()).count() <= capacity + 5,
        30_000, 5);
      Queue<Answer> probeResults = new ConcurrentLinkedQueue<>();
      List<Future<Void>> probes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        probes.add(probeLoop(http, 20, i, probeResults));
      }
      for (Future<Void> p : probes) {
        Http.await(p, 60);
      }
      List<Answer> probeAnswers = new ArrayList<>(probeResults);
      List<Answer> writeAnswers = Http.awaitAll(writes, 120);
      List<Answer> jobAnswers = Http.awaitAll(jobs, 120);
      hello.stop();
      List<Answer> all = new ArrayList<>(writeAnswers);
      all.addAll(jobAnswers);
      all.addAll(probeAnswers);
      List<Answer> refused = all.stream().filter(a -> a.status() == 503).toList();
      long refusedWithoutRetryAfter = refused.stream().filter(a -> a.header("Retry-After") == null).count();
      // An answer that needed a second connection lost its first: not an answer the lanes gave.
      List<Answer> other = all.stream().filter(a -> a.retried() || (a.status() != 503 && a.status() != 200)).toList();
      double[] burst = Stream.concat(writeAnswers.stream(), jobAnswers.stream()).filter(a -> a.status() == 503)
        .mapToDouble(Answer::millis).sorted().toArray();
      double[] excess = probeAnswers.stream().filter(a -> a.status() == 503).mapToDouble(Answer::millis).sorted().toArray();
      long rss = lanes.peakRssMib();
      r.figure("%d /write (128 MiB) + %d /process (100M iterations) at once against files 2+8, compute 1+8", n, n);
      r.figure("/write: %d x 200, %d x 503; /process: %d x 200, %d x 503; other statuses: %d",
        count(writeAnswers, 200), count(writeAnswers, 503), count(jobAnswers, 200), count(jobAnswers, 503), other.size());
      r.figure("503 latency in the burst (client-side, %d requests sent at once): p50 %.1f ms, p99 %.1f ms, max %.1f ms",
        2 * n, pct(burst, 50), pct(burst, 99), pct(burst, 100));
      r.figure("503 latency of %d requests arriving at the full lanes (10 clients): p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d of them admitted)",
        probeAnswers.size(), pct(excess, 50), pct(excess, 99), pct(excess, 100), count(probeAnswers, 200));
      double[] accepted = all.stream().filter(a -> a.status() == 200).mapToDouble(Answer::millis).sorted().toArray();
      r.figure("accepted: %d, client-side latency p50 %.0f ms, p99 %.0f ms (wait budget of files and compute: 2000 ms each, then the work itself)",
        accepted.length, pct(accepted, 50), pct(accepted, 99));
      r.figure("%d of %d 503s without Retry-After", refusedWithoutRetryAfter, refused.size());
      r.figure("/hello during the burst: %s", hello.summary());
      r.figure("peak RSS (VmHWM) %d MiB with -Xmx256m", rss);
      r.check(!refused.isEmpty(), "nothing was refused: the lanes were not saturated");
      r.check(other.isEmpty(), "accepted work not answered 200: " + other.stream().limit(3).toList());
      r.check(refusedWithoutRetryAfter == 0, "a 503 without Retry-After");
      r.check(excess.length > 0 && pct(excess, 99) <= refusalBoundMs(stage), "503 p99 at a full lane above " + refusalBoundMs(stage) + " ms");
      r.check(hello.allOk(), "/hello failed during the burst");
      r.check(rss > 0 && rss < 768, "peak RSS " + rss + " MiB (bound 768 MiB)");
    } finally {
      if (hello != null) {
        hello.stop();
      }
      http.close();
      lanes.stop();
    }
  }

  /**
   * The bound on a refusal's p99 at a full lane: 50 ms, as in the bench's overload row. The fast run (CI, a shared
   * 2-core machine with two JVMs copying 128 MiB buffers beside the event loops) allows 100 ms: a refusal that waited
   * for anything (a queue slot, a writer) would take seconds, so the regression this guards against still shows.
   */
  private static double refusalBoundMs(Stage stage) {
    return stage.fast ? 100 : 50;
  }

  /** One client sending {@code count} requests one after another, alternating /write and /process. */
  private static Future<Void> probeLoop(Http http, int count, int client, Queue<Answer> results) {
    if (count == 0) {
      return Future.succeededFuture();
    }
    return http.get((count + client) % 2 == 0 ? WRITE : PROCESS).compose(a -> {
      results.add(a);
      return probeLoop(http, count - 1, client, results);
    });
  }
}
