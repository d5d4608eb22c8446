package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * kill -9 mid-load, then restart ({@code files.keep} true): no half-written file under a final name, {@code log.txt}
 * lines whole, stale temp files swept by the restarted node, which serves again.
 */
final class Kill9Scenario implements Scenario {

  @Override
  public String name() {
    return "kill9";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    long bytes = 4 * 1024 * 1024;
    LanesProcess lanes = stage.start(new JsonObject().put("files", new JsonObject().put("keep", true).put("queueLimit", 64)).encode(), true);
    Http http = stage.http(64);
    AtomicBoolean running = new AtomicBoolean(true);
    String[] modes = {"worker", "blocking", "async"};
    AtomicInteger sent = new AtomicInteger();
    for (int i = 0; i < 12; i++) {
      String mode = modes[i % modes.length];
      loop(running, () -> http.get("/write?bytes=" + bytes + "&mode=" + mode));
    }
    for (int i = 0; i < 8; i++) {
      loop(running, () -> http.call(HttpMethod.POST, "/send", Http.json(),
        Buffer.buffer(new JsonObject().put("message", "s3-" + sent.getAndIncrement() + "-" + "x".repeat(100)).encode()), 10_000));
    }
    Poll.pause(stage.fast ? 1000 : 2500);
    lanes.kill();
    running.set(false);
    http.close();
    List<Path> tempsAfterKill = DataDir.temps(lanes.dataDir);
    List<Path> finals = DataDir.finals(lanes.dataDir);
    long wrongSize = finals.stream().filter(p -> DataDir.size(p) != bytes).count();
    String log = Files.exists(lanes.dataDir.resolve("log.txt")) ? Files.readString(lanes.dataDir.resolve("log.txt")) : "";
    long linesBefore = log.lines().count();
    long tornBefore = DataDir.tornLines(log);
    r.figure("after SIGKILL: %d final files (%d not %d bytes), %d temp files, log.txt %d lines (%d torn, ends with newline: %s)",
      finals.size(), wrongSize, bytes, tempsAfterKill.size(), linesBefore, tornBefore, log.isEmpty() || log.endsWith("\n"));
    r.check(wrongSize == 0, "a file under a final name is half-written");
    r.check(tornBefore == 0 && (log.isEmpty() || log.endsWith("\n")), "log.txt has a torn line");
    JsonArray schedules = new JsonArray()
      .add(new JsonObject().put("name", "heartbeat").put("intervalMs", 5000))
      .add(new JsonObject().put("name", "scratch-sweeper").put("intervalMs", 200));
    long restart = System.nanoTime();
    LanesProcess again = stage.start(new JsonObject()
      .put("files", new JsonObject().put("keep", true).put("staleTempMs", 1000))
      .put("schedules", schedules).encode(), false);
    try {
      double readyS = (System.nanoTime() - restart) / 1e9;
      Poll.until(() -> DataDir.temps(again.dataDir).isEmpty(), 15_000, 100);
      double sweptS = (System.nanoTime() - restart) / 1e9;
      List<Path> left = DataDir.temps(again.dataDir);
      Http after = stage.http(2);
      Answer send = Http.await(after.call(HttpMethod.POST, "/send", Http.json(), Buffer.buffer("{\"message\":\"after-restart\"}"), 10_000), 15);
      Answer write = Http.await(after.get("/write?bytes=1024"), 15);
      after.close();
      // /send answers before it appends: wait (bounded) for the line instead of guessing how long the append takes
      Path logAgain = again.dataDir.resolve("log.txt");
      Poll.until(() -> Files.readString(logAgain).contains("\"after-restart\""), 10_000, 20);
      String logAfter = Files.readString(logAgain);
      r.figure("restart ready in %.1f s; temp files swept in %.1f s (%d left); /send %d, /write %d after restart; log.txt %d lines, %d torn",
        readyS, sweptS, left.size(), send.status(), write.status(), logAfter.lines().count(), DataDir.tornLines(logAfter));
      r.check(!tempsAfterKill.isEmpty() || finals.size() > 0, "the kill left nothing to check (no write was running)");
      r.check(left.isEmpty(), "stale temp files were not swept: " + left);
      r.check(send.status() == 200 && write.status() == 200, "the restarted node does not serve");
      r.check(DataDir.tornLines(logAfter) == 0 && logAfter.contains("\"after-restart\""), "log.txt torn or the new line missing");
    } finally {
      again.stop();
    }
  }

  /** Calls {@code call} again and again, one at a time, while {@code running}. */
  private static Future<Void> loop(AtomicBoolean running, Supplier<Future<Answer>> call) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    return call.get().compose(a -> loop(running, call));
  }
}
