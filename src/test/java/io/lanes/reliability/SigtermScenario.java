package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * SIGTERM under load: 200 writes of 8 MiB (fsync on), 50 {@code /sync} and 1,000 {@code /send} in flight, then SIGTERM.
 * Readiness turns DOWN at once, every accepted request is answered 200 (or refused 503 at admission), {@code log.txt}
 * holds every line, no temp file is left, and the process exits within grace + drain delay.
 */
final class SigtermScenario implements Scenario {

  @Override
  public String name() {
    return "sigterm";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    boolean fast = stage.fast;
    // --fast: a fifth of the load, and /sync sleeps longer than the wait for the writes below may take, so that
    // something is still in flight at SIGTERM even on a disk fast enough to finish every write first.
    int writes = fast ? 40 : 200, syncs = fast ? 10 : 50, sends = fast ? 200 : 1000;
    int syncSeconds = fast ? 4 : 6;
    long writesWaitMs = fast ? 1500 : 5000;
    long graceMs = 15_000, drainDelayMs = 1000;
    LanesProcess lanes = stage.start(new JsonObject()
      .put("shutdown", new JsonObject().put("graceMs", graceMs).put("drainDelayMs", drainDelayMs))
      .put("files", new JsonObject().put("queueLimit", 256).put("fsync", true))
      .put("blocking", new JsonObject().put("poolSize", 64).put("queueLimit", 64))
      .encode(), true);
    Http http = stage.http(writes + syncs + sends + 10);
    try {
      // Open every connection first, so the burst below is requests, not TCP set-up.
      List<Future<Answer>> warm = new ArrayList<>();
      for (int i = 0; i < writes + syncs + sends; i++) {
        warm.add(http.get("/hello"));
      }
      Http.awaitAll(warm, 60);
      // The files lane admits by its measured drain rate, and a cold lane lets only one write per writer wait: a round
      // of writes first, so that the burst below meets a lane that knows its rate (as any lane that has been serving).
      List<Future<Answer>> warmWrites = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        warmWrites.add(http.get("/write?bytes=" + 8 * 1024 * 1024 + "&mode=" + (i % 2 == 0 ? "worker" : "async")));
      }
      Http.awaitAll(warmWrites, 60);
      List<Future<Answer>> writeCalls = new ArrayList<>(), syncCalls = new ArrayList<>(), sendCalls = new ArrayList<>();
      for (int i = 0; i < syncs; i++) {
        syncCalls.add(http.get("/sync?seconds=" + syncSeconds));
      }
      for (int i = 0; i < writes; i++) {
        writeCalls.add(http.get("/write?bytes=" + 8 * 1024 * 1024 + "&mode=" + (i % 2 == 0 ? "worker" : "async")));
      }
      // Most of the 200 writes held by the node (fsync makes each take a while), then the 1,000 /send, then SIGTERM as soon
      // as they are answered: their lines are still being appended, the writes still running, /sync still sleeping.
      long[] mostFilesInFlight = {0};
      Poll.until(() -> {
        mostFilesInFlight[0] = Math.max(mostFilesInFlight[0], NodeMetrics.inFlight(lanes, "files"));
        return mostFilesInFlight[0] >= writes * 3 / 4;
      }, writesWaitMs, 20);
      for (int i = 0; i < sends; i++) {
        sendCalls.add(http.call(HttpMethod.POST, "/send", Http.json(),
          Buffer.buffer(new JsonObject().put("message", "s1-" + i).encode()), 30_000));
      }
      Http.await(Future.join(sendCalls), 30);
      String pending = NodeMetrics.gauge(lanes, "lanes_background_pending");
      long filesInFlight = NodeMetrics.inFlight(lanes, "files");
      long writesInFlight = writeCalls.stream().filter(f -> !f.isComplete()).count();
      long syncsInFlight = syncCalls.stream().filter(f -> !f.isComplete()).count();
      long term = System.nanoTime();
      lanes.term();
      boolean readyDown = Poll.until(() -> Http.probe(lanes.base + "/ready") == 503, 5000, 5);
      double readyDownMs = readyDown ? (System.nanoTime() - term) / 1e6 : -1;
      List<Answer> all = new ArrayList<>();
      all.addAll(Http.awaitAll(writeCalls, 60));
      all.addAll(Http.awaitAll(syncCalls, 60));
      all.addAll(Http.awaitAll(sendCalls, 60));
      boolean exited = lanes.process.waitFor(graceMs + drainDelayMs + 30_000, TimeUnit.MILLISECONDS);
      double exitMs = (System.nanoTime() - term) / 1e6;
      long ok = all.stream().filter(a -> a.status() == 200 && !a.retried()).count();
      long refused = all.stream().filter(a -> a.status() == 503 && !a.retried()).count();
      // An answer that needed a second connection was cut on its first: lost, whatever the second attempt got.
      List<Answer> lost = all.stream().filter(a -> a.retried() || (a.status() != 200 && a.status() != 503)).toList();
      Path log = lanes.dataDir.resolve("log.txt");
      long lines = DataDir.countLines(log, line -> line.contains("\"s1-"));
      long distinct = DataDir.distinctLines(log, "s1-");
      List<Path> temps = DataDir.temps(lanes.dataDir);
      r.figure("in flight at SIGTERM: %d/%d writes of 8 MiB (fsync on, %d in the node's files lane), %d/%d /sync?seconds=%d, "
        + "%d /send answered (background work pending: %s)", writesInFlight, writes, filesInFlight, syncsInFlight, syncs, syncSeconds,
        sends, pending);
      r.figure("/ready 503 after %.0f ms", readyDownMs);
      r.figure("answers: %d x 200, %d x 503 (refused at admission), %d lost", ok, refused, lost.size());
      r.figure("log.txt: %d/%d lines (%d distinct)", lines, sends, distinct);
      r.figure("temp files left: %d", temps.size());
      r.figure("%s after %.1f s (bound %.1f s), status %s", exited ? "exit" : "NO exit", exitMs / 1000,
        (graceMs + drainDelayMs + 5000) / 1000.0, exited ? lanes.process.exitValue() : "-");
      r.check(readyDownMs >= 0 && readyDownMs < 500, "/ready did not turn 503 within 500 ms of SIGTERM");
      r.check(lost.isEmpty(), "accepted requests without a 200: " + lost.stream().limit(3).toList());
      r.check(lines == sends && distinct == sends, "log.txt has " + lines + " of " + sends + " lines");
      r.check(temps.isEmpty(), "temp files remain: " + temps);
      r.check(exited && exitMs <= graceMs + drainDelayMs + 5000, "the process did not exit within grace + drain delay + 5 s");
      r.check(exited && (lanes.process.exitValue() == 0 || lanes.process.exitValue() == 143),
        "exit status " + (exited ? lanes.process.exitValue() : "none"));
      r.check(writesInFlight > 0 || syncsInFlight > 0, "nothing was in flight at SIGTERM: the scenario proved nothing");
    } finally {
      http.close();
      lanes.stop();
    }
  }
}
