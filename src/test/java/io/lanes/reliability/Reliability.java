package io.lanes.reliability;

import io.lanes.files.TempFiles;
import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The driver of {@code scripts/reliability}: runs the reliability scenarios against real Lanes processes on loopback and
 * writes one line per scenario (name, PASS/FAIL, figures) to a TSV file. Arguments:
 * {@code <repo root> <out dir> <port> <fast:true|false> <only: comma list> <seed>}.
 */
public final class Reliability {

  static final String ALL = "sigterm,drain,kill9,saturation,badinput,upstream,disk";

  private final Path root;
  private final Path out;
  private final int port;
  private final boolean fast;
  private final long seed;
  private final Vertx vertx = Vertx.vertx();
  private final List<String> rows = new ArrayList<>();
  /** The current scenario's clients; {@code http.idleTimeoutSeconds} of a node started without that key. */
  private Http.Tally tally;
  private static final int DEFAULT_IDLE_SECONDS = 30;

  private Reliability(Path root, Path out, int port, boolean fast, long seed) {
    this.root = root;
    this.out = out;
    this.port = port;
    this.fast = fast;
    this.seed = seed;
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path out = Path.of(args[1]).toAbsolutePath();
    Reliability run = new Reliability(root, out, Integer.parseInt(args[2]), Boolean.parseBoolean(args[3]), Long.parseLong(args[5]));
    Set<String> only = new HashSet<>(Arrays.asList(args[4].split(",")));
    boolean allPassed = true;
    for (String name : ALL.split(",")) {
      if (only.contains(name)) {
        allPassed &= run.scenario(name);
      }
    }
    Files.writeString(out.resolve("results.tsv"), String.join("\n", run.rows) + "\n");
    run.vertx.close();
    System.exit(allPassed ? 0 : 1);
  }

  private boolean scenario(String name) throws IOException {
    Path scratch = out.resolve(name);
    LanesProcess.deleteTree(scratch);
    Files.createDirectories(scratch);
    Result result = new Result();
    tally = new Http.Tally();
    long started = System.nanoTime();
    log("--- " + name + " ---");
    try {
      switch (name) {
        case "sigterm" -> sigterm(scratch, result);
        case "drain" -> drain(scratch, result);
        case "kill9" -> kill9(scratch, result);
        case "saturation" -> saturation(scratch, result);
        case "badinput" -> badInput(scratch, result);
        case "upstream" -> upstream(scratch, result);
        case "disk" -> disk(scratch, result);
        default -> throw new IllegalArgumentException(name);
      }
    } catch (Exception e) {
      result.fail("driver error: " + e);
      e.printStackTrace();
    }
    List<String> unanswered = tally.unanswered();
    result.figure("driver's pooled client (keep-alive on): %d requests, %d sent again after a closed connection, %d unanswered",
      tally.requests(), tally.retried(), unanswered.size());
    result.check(unanswered.isEmpty(), unanswered.size() + " requests got no answer: " + unanswered.stream().limit(3).toList());
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
    String verdict = result.passed() ? "PASS" : "FAIL";
    String figures = String.join("; ", result.figures);
    String failures = String.join("; ", result.failures);
    System.out.printf("[reliability] %-10s %s (%d s) %s%s%n", name, verdict, seconds, figures,
      failures.isEmpty() ? "" : " | FAILED: " + failures);
    rows.add(name + "\t" + verdict + "\t" + seconds + "\t" + figures + "\t" + failures);
    return result.passed();
  }

  // --- 1. SIGTERM under load -------------------------------------------------------------------------------------------

  private void sigterm(Path scratch, Result r) throws Exception {
    // --fast: a fifth of the load, and /sync sleeps longer than the wait for the writes below may take, so that
    // something is still in flight at SIGTERM even on a disk fast enough to finish every write first.
    int writes = fast ? 40 : 200, syncs = fast ? 10 : 50, sends = fast ? 200 : 1000;
    int syncSeconds = fast ? 4 : 2;
    long writesWaitMs = fast ? 1500 : 5000;
    long graceMs = 15_000, drainDelayMs = 1000;
    LanesProcess lanes = LanesProcess.start(root, scratch, port, new JsonObject()
      .put("shutdown", new JsonObject().put("graceMs", graceMs).put("drainDelayMs", drainDelayMs))
      .put("files", new JsonObject().put("queueLimit", 256).put("fsync", true))
      .put("blocking", new JsonObject().put("poolSize", 64).put("queueLimit", 64))
      .encode(), true);
    Http http = new Http(vertx, port, writes + syncs + sends + 10, DEFAULT_IDLE_SECONDS, tally);
    try {
      // Open every connection first, so the burst below is requests, not TCP set-up.
      List<Future<Answer>> warm = new ArrayList<>();
      for (int i = 0; i < writes + syncs + sends; i++) {
        warm.add(http.get("/hello"));
      }
      Http.awaitAll(warm, 60);
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
        mostFilesInFlight[0] = Math.max(mostFilesInFlight[0], inFlight(lanes, "files"));
        return mostFilesInFlight[0] >= writes * 3 / 4;
      }, writesWaitMs, 20);
      long filesInFlight;
      for (int i = 0; i < sends; i++) {
        sendCalls.add(http.call(HttpMethod.POST, "/send", json(), Buffer.buffer(new JsonObject().put("message", "s1-" + i).encode()), 30_000));
      }
      Http.await(Future.join(sendCalls), 30);
      String pending = gauge(lanes, "lanes_background_pending");
      filesInFlight = inFlight(lanes, "files");
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
      long lines = countLines(lanes.dataDir.resolve("log.txt"), line -> line.contains("\"s1-"));
      long distinct = distinctLines(lanes.dataDir.resolve("log.txt"), "s1-");
      List<Path> temps = temps(lanes.dataDir);
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

  // --- 2. drain deadline ------------------------------------------------------------------------------------------------

  private void drain(Path scratch, Result r) throws Exception {
    long graceMs = fast ? 2000 : 5000;
    LanesProcess lanes = LanesProcess.start(root, scratch, port,
      new JsonObject().put("shutdown", new JsonObject().put("graceMs", graceMs)).encode(), true);
    Http http = new Http(vertx, port, 4, DEFAULT_IDLE_SECONDS, tally);
    try {
      String probe = "probe" + System.nanoTime();
      Future<Answer> call = http.get("/sync?seconds=30&" + probe + "=1");
      awaitInFlight(lanes, "blocking", 1);
      long term = System.nanoTime();
      lanes.term();
      Answer answer = Http.await(call, 60);
      double closedMs = (System.nanoTime() - term) / 1e6;
      boolean exited = lanes.process.waitFor(30, TimeUnit.SECONDS);
      double exitMs = (System.nanoTime() - term) / 1e6;
      Matcher line = logLine(lanes.logText(), "closing unfinished request (\\S+) \\(GET /sync\\?seconds=30&" + probe + "=1\\)");
      r.figure("request cut after %.2f s (%s)", closedMs / 1000, answer.ok() ? "status " + answer.status() : "connection closed");
      r.figure("exit after %.2f s, status %s", exitMs / 1000, exited ? lanes.process.exitValue() : "-");
      r.figure("log: %s", line == null ? "no line" : "\"closing unfinished request " + line.group(1) + "\"");
      r.check(!answer.ok() || answer.status() != 200, "the 30 s request completed: the grace did not cut it");
      r.check(closedMs >= graceMs - 200 && closedMs <= graceMs + 2000, "cut at " + closedMs + " ms, not about " + graceMs);
      r.check(exited && exitMs - closedMs <= 3000, "exit not within 3 s of the cut");
      r.check(line != null, "no log line names the unfinished request");
    } finally {
      http.close();
      lanes.stop();
    }
  }

  // --- 3. kill -9 -------------------------------------------------------------------------------------------------------

  private void kill9(Path scratch, Result r) throws Exception {
    long bytes = 4 * 1024 * 1024;
    LanesProcess lanes = LanesProcess.start(root, scratch, port,
      new JsonObject().put("files", new JsonObject().put("keep", true).put("queueLimit", 64)).encode(), true);
    Http http = new Http(vertx, port, 64, DEFAULT_IDLE_SECONDS, tally);
    AtomicBoolean running = new AtomicBoolean(true);
    String[] modes = {"worker", "blocking", "async"};
    int[] sent = {0};
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String mode = modes[i % modes.length];
      loops.add(loop(running, () -> http.get("/write?bytes=" + bytes + "&mode=" + mode)));
    }
    for (int i = 0; i < 8; i++) {
      loops.add(loop(running, () -> http.call(HttpMethod.POST, "/send", json(),
        Buffer.buffer(new JsonObject().put("message", "s3-" + (sent[0]++) + "-" + "x".repeat(100)).encode()), 10_000)));
    }
    Poll.pause(fast ? 1000 : 2500);
    lanes.kill();
    running.set(false);
    http.close();
    List<Path> tempsAfterKill = temps(lanes.dataDir);
    List<Path> finals = finals(lanes.dataDir);
    long wrongSize = finals.stream().filter(p -> size(p) != bytes).count();
    String log = Files.exists(lanes.dataDir.resolve("log.txt")) ? Files.readString(lanes.dataDir.resolve("log.txt")) : "";
    long linesBefore = log.lines().count();
    long tornBefore = tornLines(log);
    r.figure("after SIGKILL: %d final files (%d not %d bytes), %d temp files, log.txt %d lines (%d torn, ends with newline: %s)",
      finals.size(), wrongSize, bytes, tempsAfterKill.size(), linesBefore, tornBefore, log.isEmpty() || log.endsWith("\n"));
    r.check(wrongSize == 0, "a file under a final name is half-written");
    r.check(tornBefore == 0 && (log.isEmpty() || log.endsWith("\n")), "log.txt has a torn line");
    JsonArray schedules = new JsonArray()
      .add(new JsonObject().put("name", "heartbeat").put("intervalMs", 5000))
      .add(new JsonObject().put("name", "scratch-sweeper").put("intervalMs", 200));
    long restart = System.nanoTime();
    LanesProcess again = LanesProcess.start(root, scratch, port, new JsonObject()
      .put("files", new JsonObject().put("keep", true).put("staleTempMs", 1000))
      .put("schedules", schedules).encode(), false);
    try {
      double readyS = (System.nanoTime() - restart) / 1e9;
      Poll.until(() -> temps(again.dataDir).isEmpty(), 15_000, 100);
      double sweptS = (System.nanoTime() - restart) / 1e9;
      List<Path> left = temps(again.dataDir);
      Http after = new Http(vertx, port, 2, DEFAULT_IDLE_SECONDS, tally);
      Answer send = Http.await(after.call(HttpMethod.POST, "/send", json(), Buffer.buffer("{\"message\":\"after-restart\"}"), 10_000), 15);
      Answer write = Http.await(after.get("/write?bytes=1024"), 15);
      after.close();
      // /send answers before it appends: wait (bounded) for the line instead of guessing how long the append takes
      Path logAgain = again.dataDir.resolve("log.txt");
      Poll.until(() -> Files.readString(logAgain).contains("\"after-restart\""), 10_000, 20);
      String logAfter = Files.readString(logAgain);
      r.figure("restart ready in %.1f s; temp files swept in %.1f s (%d left); /send %d, /write %d after restart; log.txt %d lines, %d torn",
        readyS, sweptS, left.size(), send.status(), write.status(), logAfter.lines().count(), tornLines(logAfter));
      r.check(!tempsAfterKill.isEmpty() || finals.size() > 0, "the kill left nothing to check (no write was running)");
      r.check(left.isEmpty(), "stale temp files were not swept: " + left);
      r.check(send.status() == 200 && write.status() == 200, "the restarted node does not serve");
      r.check(tornLines(logAfter) == 0 && logAfter.contains("\"after-restart\""), "log.txt torn or the new line missing");
    } finally {
      again.stop();
    }
  }

  // --- 4. saturation ----------------------------------------------------------------------------------------------------

  private void saturation(Path scratch, Result r) throws Exception {
    int n = fast ? 200 : 1000;
    LanesProcess lanes = LanesProcess.start(root, scratch, port, new JsonObject()
      .put("files", new JsonObject().put("writerInstances", 2).put("queueLimit", 8))
      .put("compute", new JsonObject().put("instances", 1).put("queueLimit", 8))
      .encode(), true);
    Http http = new Http(vertx, port, 2 * n + 10, DEFAULT_IDLE_SECONDS, tally);
    try {
      // Open every connection first, so the burst measures admission, not TCP set-up.
      List<Future<Answer>> warm = new ArrayList<>();
      for (int i = 0; i < 2 * n; i++) {
        warm.add(http.get("/hello"));
      }
      Http.awaitAll(warm, 60);
      HelloProbe hello = new HelloProbe(lanes.base + "/hello", 50);
      List<Future<Answer>> writes = new ArrayList<>(), jobs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        writes.add(http.get("/write?bytes=" + 128 * 1024 * 1024));
        jobs.add(http.get("/process?n=7&iterations=100000000"));
      }
      // Once the burst's own refusals are back, the lanes are still full of accepted work: requests arriving now are
      // "the excess" the promise is about, measured without 2,000 others queued in front of them on 2 shared cores.
      int capacity = (2 + 8) + (1 + 8);
      Poll.until(() -> Stream.concat(writes.stream(), jobs.stream()).filter(f -> !f.isComplete()).count() <= capacity + 5,
        30_000, 5);
      List<Future<Answer>> probes = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        probes.add(probeLoop(http, 20, i));
      }
      List<Answer> probeAnswers = new ArrayList<>();
      for (Future<Answer> p : probes) {
        Http.await(p, 60);
      }
      probeAnswers.addAll(probeResults);
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
      r.figure("%d of %d 503s without Retry-After", refusedWithoutRetryAfter, refused.size());
      r.figure("/hello during the burst: %s", hello.summary());
      r.figure("peak RSS (VmHWM) %d MiB with -Xmx256m", rss);
      r.check(!refused.isEmpty(), "nothing was refused: the lanes were not saturated");
      r.check(other.isEmpty(), "accepted work not answered 200: " + other.stream().limit(3).toList());
      r.check(refusedWithoutRetryAfter == 0, "a 503 without Retry-After");
      r.check(excess.length > 0 && pct(excess, 99) <= 50, "503 p99 at a full lane above 50 ms");
      r.check(hello.allOk(), "/hello failed during the burst");
      r.check(rss > 0 && rss < 768, "peak RSS " + rss + " MiB (bound 768 MiB)");
    } finally {
      http.close();
      lanes.stop();
    }
  }

  private final ConcurrentLinkedQueue<Answer> probeResults = new ConcurrentLinkedQueue<>();

  /** One client sending {@code count} requests one after another, alternating /write and /process. */
  private Future<Answer> probeLoop(Http http, int count, int client) {
    if (count == 0) {
      return Future.succeededFuture();
    }
    String uri = (count + client) % 2 == 0 ? "/write?bytes=" + 128 * 1024 * 1024 : "/process?n=7&iterations=100000000";
    return http.get(uri).compose(a -> {
      probeResults.add(a);
      return probeLoop(http, count - 1, client);
    });
  }

  // --- 5. bad input -----------------------------------------------------------------------------------------------------

  private static final List<String> NASTY = List.of("", "abc", "-1", "-0.001", "1.5", "0x10", "1e3", "1e309", "NaN",
    "Infinity", "99999999999999999999999", "9".repeat(2000), "१२", "٣", "😀", "ü", "%00", "%zz", "%", "%E0%A4",
    "' OR '1'='1", "1;DROP TABLE x", "<script>alert(1)</script>", "../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
    "${jndi:ldap://127.0.0.1:1/x}", "{{7*7}}", "%0d%0aSet-Cookie:x=1", "a b", "+", "true", "null", "[]", "{}");

  /** Route templates and the parameters each reads; {id} is a path parameter. */
  private static final Map<String, List<String>> ROUTES = new LinkedHashMap<>();

  static {
    for (String plain : List.of("/", "/hello", "/health", "/ready", "/metrics", "/schedules", "/resource", "/fetch-data", "/fetch")) {
      ROUTES.put(plain, List.of("x"));
    }
    ROUTES.put("/sync", List.of("seconds"));
    ROUTES.put("/async", List.of("seconds"));
    ROUTES.put("/task/{id}", List.of("seconds"));
    ROUTES.put("/tasks/{id}", List.of());
    ROUTES.put("/jobs/{id}", List.of());
    for (String write : List.of("/write", "/write_with_thread", "/write_async", "/write_bad")) {
      ROUTES.put(write, List.of("bytes", "mode"));
    }
    for (String stub : List.of("/upstream/json", "/upstream/uuid", "/upstream/ip")) {
      ROUTES.put(stub, List.of("delay_ms", "status", "trickle_ms", "bytes"));
    }
    ROUTES.put("/process", List.of("n", "iterations"));
  }

  private void badInput(Path scratch, Result r) throws Exception {
    int idleSeconds = 2;
    LanesProcess lanes = LanesProcess.start(root, scratch, port, new JsonObject()
      .put("http", new JsonObject().put("idleTimeoutSeconds", idleSeconds))
      .put("blocking", new JsonObject().put("maxSleepSeconds", 1))
      .put("tasks", new JsonObject().put("maxSeconds", 1).put("defaultSeconds", 0))
      .put("files", new JsonObject().put("maxBytes", 1024 * 1024).put("defaultBytes", 1024))
      .put("compute", new JsonObject().put("maxIterations", 1_000_000))
      .put("fanout", new JsonObject().put("maxDelayMs", 200).put("timeoutMs", 1000))
      .encode(), true);
    Http http = new Http(vertx, port, 32, idleSeconds, tally);
    HelloProbe hello = new HelloProbe(lanes.base + "/hello", 100);
    Verdicts v = new Verdicts();
    try {
      // The fixed table: every route x every parameter x every nasty value (raw in the URI, and form-encoded).
      List<String[]> table = new ArrayList<>();
      for (Map.Entry<String, List<String>> route : ROUTES.entrySet()) {
        for (String value : NASTY) {
          String path = route.getKey();
          if (path.contains("{id}")) {
            table.add(new String[] {"GET", path.replace("{id}", rawSafe(value)), null});
            table.add(new String[] {"GET", path.replace("{id}", encode(value)), null});
            path = path.replace("{id}", "7");
          }
          for (String param : route.getValue()) {
            table.add(new String[] {"GET", path + "?" + param + "=" + rawSafe(value), null});
            table.add(new String[] {"GET", path + "?" + param + "=" + encode(value), null});
          }
        }
        table.add(new String[] {"GET", route.getKey().replace("{id}", "1"), null});
      }
      runAll(http, table, v, "table");
      // Bodies of POST /send and POST /jobs.
      List<String[]> bodies = new ArrayList<>();
      for (String uri : List.of("/send", "/jobs")) {
        for (String body : List.of("{", "[1,2]", "\"text\"", "null", "1", "{\"message\":5}", "{\"message\":null}",
          "{\"type\":\"sum-mod\",\"n\":\"7\"}", "{\"type\":\"nope\"}", "{\"type\":\"sum-mod\",\"iterations\":-1}",
          "{\"type\":\"sum-mod\",\"iterations\":1e400}", "{\"type\":\"primes\",\"limit\":99999999999999999999}",
          "{\"message\":\"\\ud800\"}", "{\"message\":\"😀 ü <script>\"}", "[".repeat(5000) + "]".repeat(5000),
          "{\"a\":".repeat(3000) + "1" + "}".repeat(3000))) {
          for (String type : List.of("application/json", "application/x-www-form-urlencoded", "text/plain")) {
            bodies.add(new String[] {"POST", uri, body, type});
          }
        }
      }
      runAll(http, bodies, v, "bodies");
      // Invalid UTF-8, form bodies with bad escapes, a multipart body, an empty body.
      for (String uri : List.of("/send", "/jobs")) {
        for (String type : List.of("application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "multipart/form-data; boundary=", "")) {
          v.check("bytes " + uri + " " + type, Http.await(http.call(HttpMethod.POST, uri, type(type),
            Buffer.buffer(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{'}), 10_000), 15));
          v.check("form " + uri + " " + type, Http.await(http.call(HttpMethod.POST, uri, type(type),
            Buffer.buffer("a=%zz&message=%&b=" + "x".repeat(20_000)), 10_000), 15));
          v.check("multipart " + uri + " " + type, Http.await(http.call(HttpMethod.POST, uri, type(type),
            Buffer.buffer("--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../x\"\r\n\r\nabc\r\n--zz--\r\n"), 10_000), 15));
          v.check("empty " + uri + " " + type, Http.await(http.call(HttpMethod.POST, uri, type(type), Buffer.buffer(), 10_000), 15));
        }
      }
      // Oversized bodies: 413.
      for (String uri : List.of("/send", "/jobs")) {
        for (String type : List.of("application/json", "application/x-www-form-urlencoded")) {
          Answer big = Http.await(http.call(HttpMethod.POST, uri, type(type),
            Buffer.buffer("{\"message\":\"" + "x".repeat(100_000) + "\"}"), 10_000), 15);
          v.check("oversized " + uri + " " + type, big);
          v.expect("oversized " + uri + " " + type, big, 413);
        }
      }
      // Wrong methods: 405.
      for (String[] wrong : List.of(new String[] {"DELETE", "/hello"}, new String[] {"PUT", "/write"},
        new String[] {"GET", "/send"}, new String[] {"GET", "/jobs"}, new String[] {"POST", "/hello"},
        new String[] {"PATCH", "/sync?seconds=0"}, new String[] {"DELETE", "/tasks/1"}, new String[] {"POST", "/fetch-data"})) {
        Answer answer = Http.await(http.call(HttpMethod.valueOf(wrong[0]), wrong[1], null, null, 10_000), 15);
        v.check(wrong[0] + " " + wrong[1], answer);
        v.expect(wrong[0] + " " + wrong[1], answer, 405);
      }
      // Oversized header (431) and URI (414), on raw sockets.
      String header = Http.raw(port, ("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(10_000) + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), 5000);
      String uriAnswer = Http.raw(port, ("GET /hello?x=" + "u".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), 5000);
      v.expectRaw("header of 10,000 bytes", header, 431);
      v.expectRaw("URI of 5,000 bytes", uriAnswer, 414);
      // The seeded random generator.
      int randomCount = fast ? 400 : 1500;
      runAll(http, randomRequests(new Random(seed), randomCount), v, "random");
      // Slowloris: a request that stops half-way is closed by the idle timeout; one that trickles is not.
      double silentClosedS = slowloris(0, 20_000);
      double trickleHeldS = slowloris(500, (idleSeconds + 4) * 1000);
      // Clients that leave mid-request or right after their answer.
      int disconnects = disconnects();
      hello.stop();
      String logText = lanes.logText();
      long errorLines = logText.lines().filter(l -> l.contains(" ERROR ")).count();
      r.figure("%d requests: %d fixed-table, %d bodies, %d random (seed %d)", v.total, table.size(), bodies.size(), randomCount, seed);
      r.figure("statuses %s", v.statuses);
      r.figure("431 for a 10,000-byte header: %s; 414 for a 5,000-byte URI: %s", statusOf(header), statusOf(uriAnswer));
      r.figure("slowloris: silent half-request closed after %.1f s (idle timeout %d s); a byte every 500 ms %s",
        silentClosedS, idleSeconds, trickleHeldS < 0 ? "was still open after " + (idleSeconds + 4) + " s (not bounded by the idle timeout)" : String.format(Locale.ROOT, "closed after %.1f s", trickleHeldS));
      r.figure("%d mid-request / after-answer disconnects", disconnects);
      r.figure("/hello throughout: %s; server log ERROR lines: %d", hello.summary(), errorLines);
      v.problems.stream().limit(12).forEach(r::fail);
      if (v.problems.size() > 12) {
        r.fail("... " + (v.problems.size() - 12) + " more");
      }
      r.check(silentClosedS > 0 && silentClosedS <= idleSeconds + 2, "a silent half-request was not closed by the idle timeout");
      r.check(hello.allOk(), "/hello failed while bad input was served");
      r.check(errorLines == 0, "the server logged " + errorLines + " ERROR lines (see " + lanes.log + ")");
      Files.writeString(scratch.resolve("problems.txt"), String.join("\n", v.problems) + "\n");
    } finally {
      hello.stop();
      http.close();
      lanes.stop();
    }
  }

  private void runAll(Http http, List<String[]> requests, Verdicts v, String label) throws Exception {
    int window = 16;
    for (int i = 0; i < requests.size(); i += window) {
      List<Future<Answer>> calls = new ArrayList<>();
      List<String> names = new ArrayList<>();
      for (String[] req : requests.subList(i, Math.min(requests.size(), i + window))) {
        MultiMap headers = req.length > 3 ? type(req[3]) : null;
        names.add(label + ": " + req[0] + " " + req[1] + (req[2] == null ? "" : " body " + abbreviate(req[2])));
        calls.add(http.call(HttpMethod.valueOf(req[0]), req[1], headers, req[2] == null ? null : Buffer.buffer(req[2]), 10_000));
      }
      List<Answer> answers = Http.awaitAll(calls, 60);
      for (int k = 0; k < answers.size(); k++) {
        v.check(names.get(k), answers.get(k));
      }
    }
  }

  /** Random method, route, parameters (known and unknown names, nasty or random values), headers and body: reproducible by seed. */
  private static List<String[]> randomRequests(Random random, int count) {
    List<String> routes = new ArrayList<>(ROUTES.keySet());
    routes.addAll(List.of("/send", "/jobs", "/nope", "/write/../hello", "//hello", "/upstream", "/task/", "/jobs/"));
    String[] methods = {"GET", "GET", "GET", "POST", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"};
    String[] types = {"application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=q", "multipart/form-data; boundary=", ""};
    List<String[]> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String route = routes.get(random.nextInt(routes.size()));
      List<String> params = new ArrayList<>(ROUTES.getOrDefault(route, List.of()));
      params.addAll(List.of("x", "seconds", "bytes", "mode", "n", "iterations", "message", "url", "host"));
      String path = route.replace("{id}", randomValue(random, true));
      StringBuilder uri = new StringBuilder(path);
      int paramCount = random.nextInt(4);
      for (int p = 0; p < paramCount; p++) {
        uri.append(p == 0 ? '?' : '&').append(params.get(random.nextInt(params.size()))).append('=').append(randomValue(random, false));
      }
      String method = methods[random.nextInt(methods.length)];
      String body = null;
      if (method.equals("POST") || method.equals("PUT") || method.equals("PATCH")) {
        body = randomBody(random);
      }
      requests.add(new String[] {method, uri.toString(), body, types[random.nextInt(types.length)]});
    }
    return requests;
  }

  private static String randomValue(Random random, boolean pathSegment) {
    int kind = random.nextInt(4);
    String value;
    if (kind == 0) {
      value = NASTY.get(random.nextInt(NASTY.size()));
    } else if (kind == 1) {
      value = Long.toString(random.nextLong() % 1_000_000_000L);
    } else if (kind == 2) {
      value = Integer.toString(random.nextInt(3));
    } else {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        text.appendCodePoint(random.nextInt(3) == 0 ? 0x80 + random.nextInt(0x2FF00) : 0x20 + random.nextInt(0x5F));
      }
      value = text.toString();
    }
    String encoded = random.nextBoolean() ? encode(value) : rawSafe(value);
    return pathSegment ? encoded.replace("/", "%2F") : encoded;
  }

  private static String randomBody(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> new JsonObject().put("message", randomValue(random, false)).encode();
      case 1 -> new JsonObject().put("type", List.of("sum-mod", "primes", "sha256", "score", "x").get(random.nextInt(5)))
        .put("n", random.nextInt(20) - 5).put("iterations", random.nextInt(2000) - 100).put("limit", random.nextInt(1000)).encode();
      case 2 -> "{".repeat(random.nextInt(50)) + randomValue(random, false);
      case 3 -> "";
      case 4 -> "x".repeat(random.nextInt(70_000));
      default -> {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        yield new String(bytes, StandardCharsets.ISO_8859_1);
      }
    };
  }

  /** Opens a connection, sends half a request, then one byte every {@code everyMs} (0: nothing); seconds until closed, -1 if still open at {@code limitMs}. */
  private double slowloris(long everyMs, long limitMs) throws Exception {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
      OutputStream out = socket.getOutputStream();
      long start = System.nanoTime();
      out.write("GET /hello HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.setSoTimeout((int) (everyMs == 0 ? limitMs : everyMs));
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(limitMs)) {
        try {
          if (socket.getInputStream().read() < 0) {
            return (System.nanoTime() - start) / 1e9;
          }
        } catch (java.net.SocketTimeoutException e) {
          if (everyMs > 0) {
            try {
              out.write('a');
              out.flush();
            } catch (IOException closed) {
              return (System.nanoTime() - start) / 1e9;
            }
          }
        } catch (IOException reset) {
          return (System.nanoTime() - start) / 1e9;
        }
      }
      return -1;
    }
  }

  private int disconnects() throws Exception {
    int count = 0;
    String[] requests = {
      "POST /send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"message\":\"hal",
      "POST /jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"type\":",
      "GET /sync?seconds=0.5 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /write?bytes=1048576 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /process?n=7&iterations=1000000 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /fetch-data HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /upstream/json?trickle_ms=200 HTTP/1.1\r\nHost: x\r\n\r\n",
      "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n",
    };
    for (int round = 0; round < 10; round++) {
      for (String request : requests) {
        for (boolean readFirst : new boolean[] {false, true}) {
          try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoLinger(true, 0);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            if (readFirst) {
              socket.setSoTimeout(200);
              try {
                socket.getInputStream().read(new byte[64]);
              } catch (IOException ignored) {
                // half a request gets no answer: leave anyway
              }
            }
          }
          count++;
        }
      }
    }
    // scenario time: the server notices the abandoned connections (read and idle timeouts) before /hello is judged
    Poll.pause(1500);
    return count;
  }

  // --- 6. upstream faults -----------------------------------------------------------------------------------------------

  private void upstream(Path scratch, Result r) throws Exception {
    long timeoutMs = 1000;
    int idleSeconds = 2;
    int refusedPort = port + 99;
    String self = "http://127.0.0.1:" + port;
    List<String[]> upstreams = List.of(
      new String[] {self + "/upstream/uuid", null},
      new String[] {self + "/upstream/ip?status=500", "http_status"},
      new String[] {self + "/upstream/json?delay_ms=3000", "timeout"},
      new String[] {self + "/upstream/json?trickle_ms=3000", "timeout"},
      new String[] {self + "/upstream/json?bytes=1000000", "too_large"},
      new String[] {"http://127.0.0.1:" + refusedPort + "/refused", "connect"},
      new String[] {self + "/metrics", "bad_json"},
      new String[] {self + "/upstream/json?status=204", "bad_json"});
    JsonArray urls = new JsonArray();
    upstreams.forEach(u -> urls.add(u[0]));
    LanesProcess lanes = LanesProcess.start(root, scratch, port, new JsonObject()
      .put("http", new JsonObject().put("instances", 2).put("idleTimeoutSeconds", idleSeconds))
      .put("fanout", new JsonObject().put("upstreams", urls).put("timeoutMs", timeoutMs).put("poolSize", 256).put("maxBodyBytes", 256 * 1024))
      .encode(), true);
    int rounds = fast ? 8 : 40;
    Http http = new Http(vertx, port, rounds, idleSeconds, tally);
    try {
      List<String> wrong = new ArrayList<>();
      double worst = 0;
      long worstReported = 0;
      int[] sockets = new int[3];
      // Idle connections (the node's pooled client connections to its own stubs included) close after the server's
      // idle timeout: once it has passed, every socket a call opened must be gone again.
      Poll.pause(1000);
      sockets[0] = lanes.openSockets();
      for (int burst = 1; burst <= 2; burst++) {
        List<Future<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
          calls.add(http.get("/fetch-data"));
        }
        for (Answer answer : Http.awaitAll(calls, 60)) {
          worst = Math.max(worst, answer.millis());
          if (answer.status() != 200) {
            wrong.add("status " + answer);
            continue;
          }
          worstReported = Math.max(worstReported, new JsonObject(answer.body()).getLong("elapsed_ms"));
          JsonArray results = new JsonObject(answer.body()).getJsonArray("results");
          for (int k = 0; k < upstreams.size(); k++) {
            JsonObject result = results.getJsonObject(k);
            JsonObject error = result.getJsonObject("error");
            String kind = error == null ? null : error.getString("kind");
            String expected = upstreams.get(k)[1];
            if (!java.util.Objects.equals(kind, expected)) {
              wrong.add(upstreams.get(k)[0] + ": " + kind + " instead of " + expected);
            }
          }
        }
        Poll.pause(TimeUnit.SECONDS.toMillis(idleSeconds) + 3000);
        sockets[burst] = lanes.openSockets();
      }
      String metrics = Http.rawGet(lanes.base + "/metrics", 5000).body();
      double activeConnections = metrics.lines().filter(l -> l.startsWith("vertx_http_client_active_connections"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
      r.figure("2 bursts of %d concurrent /fetch-data over 8 upstreams (ok, 500, delay 3 s, trickle 3 s, 1 MB over a 256 kB cap, "
        + "refused port, Prometheus text, empty 204), deadline %d ms", rounds, timeoutMs);
      r.figure("slowest answer %.0f ms at the client, elapsed_ms %d; results not of the expected kind: %d", worst, worstReported, wrong.size());
      r.figure("open sockets of the node, idle: %d before, %d after burst 1, %d after burst 2; client connections still counted active: %.0f",
        sockets[0], sockets[1], sockets[2], activeConnections);
      wrong.stream().distinct().limit(6).forEach(r::fail);
      r.check(worst <= timeoutMs + 1000, "an answer took " + worst + " ms (deadline " + timeoutMs + " ms)");
      r.check(sockets[1] <= sockets[0] + 2 && sockets[2] <= sockets[0] + 2, "sockets left open after the bursts: a connection leak");
      r.check(activeConnections <= 2, "client connections still active after the bursts");
      // (fanout.poolSize 256: 40 concurrent calls x 8 upstreams on one host must not wait for a pooled connection, which
      // would count against the deadline and turn every kind of fault into a timeout.)
    } finally {
      http.close();
      lanes.stop();
    }
  }

  // --- 7. disk faults ---------------------------------------------------------------------------------------------------

  private void disk(Path scratch, Result r) throws Exception {
    LanesProcess lanes = LanesProcess.start(root, scratch, port, "{}", true);
    Http http = new Http(vertx, port, 8, DEFAULT_IDLE_SECONDS, tally);
    Path aside = scratch.resolve("data.aside");
    try {
      r.check(allOk(http, "before"), "the node did not work before the fault");
      for (String fault : List.of("removed", "replaced by a file")) {
        Files.move(lanes.dataDir, aside);
        if (fault.startsWith("replaced")) {
          Files.writeString(lanes.dataDir, "not a directory");
        }
        Map<String, Answer> answers = new LinkedHashMap<>();
        for (String mode : List.of("worker", "blocking", "async")) {
          answers.put("/write " + mode, Http.await(http.get("/write?bytes=65536&mode=" + mode), 15));
        }
        answers.put("/send (first)", Http.await(http.call(HttpMethod.POST, "/send", json(), Buffer.buffer("{\"message\":\"lost?\"}"), 10_000), 15));
        // the first append fails after its answer; the next /send must then be refused
        Answer[] next = new Answer[1];
        Poll.until(() -> {
          next[0] = Http.await(http.call(HttpMethod.POST, "/send", json(), Buffer.buffer("{\"message\":\"lost?\"}"), 10_000), 15);
          return next[0].status() != 200;
        }, 5000, 50);
        answers.put("/send (next)", next[0]);
        answers.put("/health", Http.await(http.get("/health"), 15));
        answers.put("/hello", Http.await(http.get("/hello"), 15));
        List<String> parts = new ArrayList<>();
        answers.forEach((name, a) -> {
          String error = a.status() >= 400 ? errorOf(a) : "";
          if (name.equals("/health")) {
            error = a.body().matches("(?s).*\"id\"\\s*:\\s*\"data-dir\"\\s*,\\s*\"status\"\\s*:\\s*\"DOWN\".*") ? "(data-dir DOWN)" : "";
          }
          parts.add(name + " " + a.status() + (error.isEmpty() ? "" : " " + error));
        });
        String figure = "data dir " + fault + ": " + String.join(", ", parts);
        r.figure("%s", figure);
        for (String mode : List.of("worker", "blocking", "async")) {
          Answer a = answers.get("/write " + mode);
          r.check((a.status() == 503 || a.status() == 500) && a.body().contains("\"error\""), "/write " + mode + " with the data dir " + fault + ": " + a);
          r.check(!a.body().contains(lanes.dataDir.toString()), "/write leaks the data dir path");
        }
        Answer send = answers.get("/send (next)");
        r.check(send.status() == 503 || send.status() == 500, "/send with the data dir " + fault + " answered " + send);
        r.check(answers.get("/health").status() == 503 && answers.get("/health").body().contains("DOWN"), "/health not DOWN with the data dir " + fault);
        r.check(answers.get("/hello").status() == 200, "/hello failed");
        LanesProcess.deleteTree(lanes.dataDir);
        Files.move(aside, lanes.dataDir);
        long back = System.nanoTime();
        boolean recovered = Poll.until(() -> allOk(http, "recovered-" + fault.replace(' ', '-')), 10_000, 200);
        r.figure("%s %.1f s after the dir came back", recovered ? "/write, /send and /health recovered" : "NO recovery", (System.nanoTime() - back) / 1e9);
        r.check(recovered, "no recovery after the data dir " + fault + " came back");
      }
      Poll.until(() -> "0".equals(gauge(lanes, "lanes_background_pending")), 5000, 50);
      String logTxt = Files.readString(lanes.dataDir.resolve("log.txt"));
      r.figure("log.txt lines: %d (torn %d)", logTxt.lines().count(), tornLines(logTxt));
    } finally {
      http.close();
      lanes.stop();
    }
  }

  private static boolean allOk(Http http, String message) throws Exception {
    Answer write = Http.await(http.get("/write?bytes=65536"), 15);
    Answer send = Http.await(http.call(HttpMethod.POST, "/send", json(), Buffer.buffer("{\"message\":\"" + message + "\"}"), 10_000), 15);
    Answer health = Http.await(http.get("/health"), 15);
    return write.status() == 200 && send.status() == 200 && health.status() == 200;
  }

  // --- helpers ----------------------------------------------------------------------------------------------------------

  /** Every answer must be quick, never 500, JSON when it is an error, and free of stack traces. */
  private static final class Verdicts {
    int total;
    final Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    final List<String> problems = new ArrayList<>();

    void check(String name, Answer a) {
      total++;
      statuses.merge(a.status(), 1, Integer::sum);
      if (!a.ok()) {
        problems.add(name + ": no answer (" + a.failure() + ")");
        return;
      }
      if (a.status() >= 500 && a.status() != 502 && a.status() != 503 && a.status() != 504) {
        problems.add(name + ": " + a);
      }
      String body = a.body();
      if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.") || body.contains("at java.")) {
        problems.add(name + ": stack trace in the body: " + a);
      }
      if (a.status() >= 400 && !body.isEmpty() && !isJson(body)) {
        problems.add(name + ": error body is not JSON: " + a);
      }
    }

    void expect(String name, Answer a, int status) {
      if (a.status() != status) {
        problems.add(name + ": expected " + status + ", got " + a);
      }
    }

    void expectRaw(String name, String response, int status) {
      total++;
      int got = statusOf(response);
      statuses.merge(got, 1, Integer::sum);
      if (got != status) {
        problems.add(name + ": expected " + status + ", got " + abbreviate(response));
      }
    }
  }

  /** Calls {@code /hello} on a fresh connection every {@code everyMs} on its own thread, and keeps the worst. */
  private static final class HelloProbe {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
    private final Thread thread;

    HelloProbe(String url, long everyMs) {
      thread = new Thread(() -> {
        while (running.get()) {
          answers.add(Http.rawGet(url, 5000));
          try {
            Poll.pause(everyMs);
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "hello-probe");
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(10_000);
    }

    boolean allOk() {
      return !answers.isEmpty() && answers.stream().allMatch(a -> a.status() == 200);
    }

    String summary() {
      double[] ms = answers.stream().mapToDouble(Answer::millis).sorted().toArray();
      long ok = answers.stream().filter(a -> a.status() == 200).count();
      return String.format(Locale.ROOT, "%d/%d x 200, p50 %.1f ms, max %.1f ms", ok, answers.size(), pct(ms, 50), pct(ms, 100));
    }
  }

  private static final class Result {
    final List<String> figures = new ArrayList<>();
    final List<String> failures = new ArrayList<>();

    void figure(String format, Object... args) {
      figures.add(String.format(Locale.ROOT, format, args).replace('\t', ' ').replace('\n', ' '));
    }

    void check(boolean ok, String failure) {
      if (!ok) {
        fail(failure);
      }
    }

    void fail(String failure) {
      failures.add(failure.replace('\t', ' ').replace('\n', ' '));
    }

    boolean passed() {
      return failures.isEmpty();
    }
  }

  private interface Call {
    Future<Answer> next();
  }

  /** Calls {@code call} again and again, one at a time, while {@code running}. */
  private Future<Void> loop(AtomicBoolean running, Call call) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return call.next().compose(a -> loop(running, call));
  }

  private static String gauge(LanesProcess lanes, String name) {
    java.util.regex.Matcher m = Pattern.compile("^" + name + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE)
      .matcher(Http.rawGet(lanes.base + "/metrics", 2000).body());
    return m.find() ? String.format(Locale.ROOT, "%.0f", Double.parseDouble(m.group(2))) : "?";
  }

  private static long inFlight(LanesProcess lanes, String lane) {
    Pattern gauge = Pattern.compile("^lanes_lane_in_flight\\{.*lane=\"" + lane + "\".*} (\\S+)$", Pattern.MULTILINE);
    java.util.regex.Matcher m = gauge.matcher(Http.rawGet(lanes.base + "/metrics", 2000).body());
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  private void awaitInFlight(LanesProcess lanes, String lane, int atLeast) throws Exception {
    Pattern gauge = Pattern.compile("^lanes_lane_in_flight\\{.*lane=\"" + lane + "\".*} (\\S+)$", Pattern.MULTILINE);
    boolean reached = Poll.until(() -> {
      java.util.regex.Matcher m = gauge.matcher(Http.rawGet(lanes.base + "/metrics", 2000).body());
      return m.find() && Double.parseDouble(m.group(1)) >= atLeast;
    }, 10_000, 50);
    if (reached) {
      return;
    }
    throw new IllegalStateException("lane " + lane + " never had " + atLeast + " in flight");
  }

  private record Matcher(java.util.regex.Matcher m) {
    String group(int i) {
      return m.group(i);
    }
  }

  private static Matcher logLine(String text, String regex) {
    java.util.regex.Matcher m = Pattern.compile(regex).matcher(text);
    return m.find() ? new Matcher(m) : null;
  }

  private static final Pattern WHOLE_LINE = Pattern.compile("^\\d{4}-\\d\\d-\\d\\dT\\S+Z \".*\"$");

  private static long tornLines(String log) {
    return log.lines().filter(l -> !WHOLE_LINE.matcher(l).matches()).count();
  }

  private static long countLines(Path file, Predicate<String> which) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    try (Stream<String> lines = Files.lines(file)) {
      return lines.filter(which).count();
    }
  }

  private static long distinctLines(Path file, String marker) throws IOException {
    if (!Files.exists(file)) {
      return 0;
    }
    Pattern id = Pattern.compile("\"(" + Pattern.quote(marker) + "\\d+)\"");
    Set<String> seen = new HashSet<>();
    try (Stream<String> lines = Files.lines(file)) {
      lines.forEach(l -> {
        java.util.regex.Matcher m = id.matcher(l);
        if (m.find()) {
          seen.add(m.group(1));
        }
      });
    }
    return seen.size();
  }

  private static List<Path> temps(Path dir) throws IOException {
    return list(dir).stream().filter(TempFiles::isTemp).toList();
  }

  private static List<Path> finals(Path dir) throws IOException {
    return list(dir).stream().filter(p -> {
      String name = p.getFileName().toString();
      return name.startsWith(TempFiles.FINAL_PREFIX) && name.endsWith(TempFiles.FINAL_SUFFIX);
    }).toList();
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.toList();
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static MultiMap json() {
    return type("application/json");
  }

  private static MultiMap type(String contentType) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (contentType != null && !contentType.isEmpty()) {
      headers.add("Content-Type", contentType);
    }
    return headers;
  }

  private static long count(List<Answer> answers, int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }

  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  private static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The value as it is, except the characters an HTTP request line cannot carry (space, controls, non-ASCII). */
  private static String rawSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c <= 0x20 || c >= 0x7F || c == '#') {
        out.append('%').append(String.format("%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }

  private static boolean isJson(String body) {
    try {
      io.vertx.core.json.Json.decodeValue(body);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static int statusOf(String response) {
    return response.startsWith("HTTP/1.") && response.length() >= 12 ? Integer.parseInt(response.substring(9, 12)) : -1;
  }

  private static String errorOf(Answer a) {
    try {
      String error = new JsonObject(a.body()).getString("error");
      return error == null ? "" : "\"" + error + "\"";
    } catch (RuntimeException e) {
      return "";
    }
  }

  private static String abbreviate(String text) {
    String flat = text.replace("\r", "\\r").replace("\n", "\\n");
    return flat.length() > 80 ? flat.substring(0, 80) + "...(" + flat.length() + ")" : flat;
  }

  private static void log(String line) {
    System.out.println("[reliability] " + line);
  }
}
