package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The drain deadline: a {@code /sync?seconds=30} with {@code shutdown.graceMs} 5000 (2000 with --fast) is cut at the
 * grace, the process exits soon after, and the log names the request it cut by id.
 */
final class DrainScenario implements Scenario {

  @Override
  public String name() {
    return "drain";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    long graceMs = stage.fast ? 2000 : 5000;
    LanesProcess lanes = stage.start(new JsonObject().put("shutdown", new JsonObject().put("graceMs", graceMs)).encode(), true);
    Http http = stage.http(4);
    try {
      String probe = "probe" + System.nanoTime();
      Future<Answer> call = http.get("/sync?seconds=30&" + probe + "=1");
      NodeMetrics.awaitInFlight(lanes, "blocking", 1);
      long term = System.nanoTime();
      lanes.term();
      Answer answer = Http.await(call, 60);
      double closedMs = (System.nanoTime() - term) / 1e6;
      boolean exited = lanes.process.waitFor(30, TimeUnit.SECONDS);
      double exitMs = (System.nanoTime() - term) / 1e6;
      Matcher line = Pattern.compile("closing unfinished request (\\S+) \\(GET /sync\\?seconds=30&" + probe + "=1\\)")
        .matcher(lanes.logText());
      boolean logged = line.find();
      r.figure("request cut after %.2f s (%s)", closedMs / 1000, answer.ok() ? "status " + answer.status() : "connection closed");
      r.figure("exit after %.2f s, status %s", exitMs / 1000, exited ? lanes.process.exitValue() : "-");
      r.figure("log: %s", logged ? "\"closing unfinished request " + line.group(1) + "\"" : "no line");
      r.check(!answer.ok() || answer.status() != 200, "the 30 s request completed: the grace did not cut it");
      r.check(closedMs >= graceMs - 200 && closedMs <= graceMs + 2000, "cut at " + closedMs + " ms, not about " + graceMs);
      r.check(exited && exitMs - closedMs <= 3000, "exit not within 3 s of the cut");
      r.check(logged, "no log line names the unfinished request");
    } finally {
      http.close();
      lanes.stop();
    }
  }
}
