package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Upstream faults: {@code /fetch-data} over upstreams that refuse, hang, trickle, answer 500, too much or garbage
 * answers within its deadline with the right error kind per upstream, and leaks no connection.
 */
final class UpstreamScenario implements Scenario {

  private static final long TIMEOUT_MS = 1000;
  private static final int IDLE_SECONDS = 2;

  /** An upstream URL and the error kind its result must carry (null: none). */
  private record Target(String url, String kind) {
  }

  @Override
  public String name() {
    return "upstream";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    String self = "http://127.0.0.1:" + stage.port;
    List<Target> upstreams = List.of(
      new Target(self + "/upstream/uuid", null),
      new Target(self + "/upstream/ip?status=500", "http_status"),
      new Target(self + "/upstream/json?delay_ms=3000", "timeout"),
      new Target(self + "/upstream/json?trickle_ms=3000", "timeout"),
      new Target(self + "/upstream/json?bytes=1000000", "too_large"),
      new Target("http://127.0.0.1:" + (stage.port + 99) + "/refused", "connect"),
      new Target(self + "/metrics", "bad_json"),
      new Target(self + "/upstream/json?status=204", "bad_json"));
    JsonArray urls = new JsonArray();
    upstreams.forEach(u -> urls.add(u.url()));
    LanesProcess lanes = stage.start(new JsonObject()
      .put("http", new JsonObject().put("instances", 2).put("idleTimeoutSeconds", IDLE_SECONDS))
      .put("fanout", new JsonObject().put("upstreams", urls).put("timeoutMs", TIMEOUT_MS).put("poolSize", 256).put("maxBodyBytes", 256 * 1024))
      .encode(), true);
    int rounds = stage.fast ? 8 : 40;
    Http http = stage.http(rounds, IDLE_SECONDS);
    try {
      List<String> wrong = new ArrayList<>();
      double worst = 0;
      long worstReported = 0;
      int[] sockets = new int[3];
      // The judged bursts run on a warm node: on a cold JVM, 40 concurrent fan-outs over 8 stubs served by the same
      // node on 2 cores spend the whole 1 s deadline in the interpreter, and every kind of fault reads as a timeout.
      for (int wave = 0; wave < 3; wave++) {
        List<Future<Answer>> warm = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          warm.add(http.get("/fetch-data"));
        }
        Http.awaitAll(warm, 60);
      }
      // Idle connections (the node's pooled client connections to its own stubs, and the driver's) close after the
      // server's idle timeout at the latest: once it has passed, every socket a call opened must be gone again.
      Poll.pause(TimeUnit.SECONDS.toMillis(IDLE_SECONDS) + 3000);
      sockets[0] = lanes.openSockets();
      for (int burst = 1; burst <= 2; burst++) {
        List<Future<Answer>> calls = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
          calls.add(http.get("/fetch-data"));
        }
        for (Answer answer : Http.awaitAll(calls, 60)) {
          worst = Math.max(worst, answer.millis());
          if (answer.status() != 200) {
            wrong.add("burst " + burst + ": status " + answer);
            continue;
          }
          JsonObject body = new JsonObject(answer.body());
          worstReported = Math.max(worstReported, body.getLong("elapsed_ms"));
          JsonArray results = body.getJsonArray("upstreams");
          for (int k = 0; k < upstreams.size(); k++) {
            JsonObject error = results.getJsonObject(k).getJsonObject("error");
            String kind = error == null ? null : error.getString("kind");
            if (!Objects.equals(kind, upstreams.get(k).kind())) {
              wrong.add("burst " + burst + ": " + upstreams.get(k).url() + ": " + kind + " instead of " + upstreams.get(k).kind()
                + " after " + results.getJsonObject(k).getLong("elapsed_ms") + " ms");
            }
          }
        }
        Poll.pause(TimeUnit.SECONDS.toMillis(IDLE_SECONDS) + 3000);
        sockets[burst] = lanes.openSockets();
      }
      double activeConnections = NodeMetrics.sum(lanes, "vertx_http_client_active_connections");
      r.figure("2 bursts of %d concurrent /fetch-data over 8 upstreams (ok, 500, delay 3 s, trickle 3 s, 1 MB over a 256 kB cap, "
        + "refused port, Prometheus text, empty 204), deadline %d ms", rounds, TIMEOUT_MS);
      r.figure("slowest answer %.0f ms at the client, elapsed_ms %d; results not of the expected kind: %d", worst, worstReported, wrong.size());
      r.figure("open sockets of the node, idle: %d before, %d after burst 1, %d after burst 2; client connections still counted active: %.0f",
        sockets[0], sockets[1], sockets[2], activeConnections);
      wrong.stream().distinct().limit(6).forEach(r::fail);
      Files.writeString(stage.scratch.resolve("wrong.txt"), String.join("\n", wrong) + "\n");
      r.check(worst <= TIMEOUT_MS + 1000, "an answer took " + worst + " ms (deadline " + TIMEOUT_MS + " ms)");
      r.check(sockets[1] <= sockets[0] + 2 && sockets[2] <= sockets[0] + 2, "sockets left open after the bursts: a connection leak");
      r.check(activeConnections <= 2, "client connections still active after the bursts");
      // (fanout.poolSize 256: 40 concurrent calls x 8 upstreams on one host must not wait for a pooled connection, which
      // would count against the deadline and turn every kind of fault into a timeout.)
    } finally {
      http.close();
      lanes.stop();
    }
  }
}
