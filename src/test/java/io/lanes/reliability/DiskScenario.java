package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Disk faults: the data dir removed, or replaced by a file, while the node runs. {@code /write} and {@code /send} answer
 * 503 with a JSON error (the first {@code /send} is answered before its append fails), {@code /health} is DOWN,
 * {@code /hello} still answers, and all recover once the dir is back.
 */
final class DiskScenario implements Scenario {

  private static final List<String> MODES = List.of("worker", "blocking", "async");

  @Override
  public String name() {
    return "disk";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    LanesProcess lanes = stage.start("{}", true);
    Http http = stage.http(8);
    Path aside = stage.scratch.resolve("data.aside");
    try {
      String before = notOk(http, "before");
      r.check(before == null, "the node did not work before the fault: " + before);
      for (String fault : List.of("removed", "replaced by a file")) {
        Files.move(lanes.dataDir, aside);
        if (fault.startsWith("replaced")) {
          Files.writeString(lanes.dataDir, "not a directory");
        }
        Map<String, Answer> answers = new LinkedHashMap<>();
        for (String mode : MODES) {
          answers.put("/write " + mode, Http.await(http.get("/write?bytes=65536&mode=" + mode), 15));
        }
        answers.put("/send (first)", send(http, "lost?"));
        // the first append fails after its answer; the next /send must then be refused
        Answer[] next = new Answer[1];
        Poll.until(() -> {
          next[0] = send(http, "lost?");
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
        r.figure("%s", "data dir " + fault + ": " + String.join(", ", parts));
        for (String mode : MODES) {
          Answer a = answers.get("/write " + mode);
          r.check((a.status() == 503 || a.status() == 500) && a.body().contains("\"error\""), "/write " + mode + " with the data dir " + fault + ": " + a);
          r.check(!a.body().contains(lanes.dataDir.toString()), "/write leaks the data dir path");
        }
        Answer sent = answers.get("/send (next)");
        r.check(sent.status() == 503 || sent.status() == 500, "/send with the data dir " + fault + " answered " + sent);
        r.check(answers.get("/health").status() == 503 && answers.get("/health").body().contains("DOWN"), "/health not DOWN with the data dir " + fault);
        r.check(answers.get("/hello").status() == 200, "/hello failed");
        LanesProcess.deleteTree(lanes.dataDir);
        Files.move(aside, lanes.dataDir);
        long back = System.nanoTime();
        String[] last = {null};
        boolean recovered = Poll.until(() -> (last[0] = notOk(http, "recovered-" + fault.replace(' ', '-'))) == null, 10_000, 200);
        r.figure("%s %.1f s after the dir came back", recovered ? "/write, /send and /health recovered" : "NO recovery", (System.nanoTime() - back) / 1e9);
        r.check(recovered, "no recovery after the data dir " + fault + " came back: " + last[0]);
      }
      Poll.until(() -> "0".equals(NodeMetrics.gauge(lanes, "lanes_background_pending")), 5000, 50);
      String logTxt = Files.readString(lanes.dataDir.resolve("log.txt"));
      r.figure("log.txt lines: %d (torn %d)", logTxt.lines().count(), DataDir.tornLines(logTxt));
    } finally {
      http.close();
      lanes.stop();
    }
  }

  /** Null when {@code /write}, {@code /send} and {@code /health} all answer 200, else what they answered. */
  private static String notOk(Http http, String message) throws Exception {
    Answer write = Http.await(http.get("/write?bytes=65536"), 15);
    Answer sent = send(http, message);
    Answer health = Http.await(http.get("/health"), 15);
    boolean ok = write.status() == 200 && sent.status() == 200 && health.status() == 200;
    return ok ? null : "/write " + write + ", /send " + sent + ", /health " + health;
  }

  private static Answer send(Http http, String message) throws Exception {
    return Http.await(http.call(HttpMethod.POST, "/send", Http.json(), Buffer.buffer("{\"message\":\"" + message + "\"}"), 10_000), 15);
  }

  /** The {@code error} of a JSON error body, quoted, or "". */
  private static String errorOf(Answer a) {
    try {
      String error = new JsonObject(a.body()).getString("error");
      return error == null ? "" : "\"" + error + "\"";
    } catch (RuntimeException e) {
      return "";
    }
  }
}
