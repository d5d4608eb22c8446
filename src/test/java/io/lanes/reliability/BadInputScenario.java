package io.lanes.reliability;

import io.lanes.reliability.Fuzzer.FuzzRequest;
import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Bad input: every route the router serves x bad parameters, then bad bodies, content types, methods (405), an oversized
 * header (431) and URI (414), seeded random requests, slowloris and disconnects. Never a 500 or a stack trace, every
 * error in JSON, no ERROR in the server log, {@code /hello} answering throughout.
 */
final class BadInputScenario implements Scenario {

  private static final int IDLE_SECONDS = 2;
  /** Requests in flight at once: a window of the list, then the next. */
  private static final int WINDOW = 16;

  private static final List<String> BAD_BODIES = List.of("{", "[1,2]", "\"text\"", "null", "1", "{\"message\":5}",
    "{\"message\":null}", "{\"type\":\"sum-mod\",\"n\":\"7\"}", "{\"type\":\"nope\"}", "{\"type\":\"sum-mod\",\"iterations\":-1}",
    "{\"type\":\"sum-mod\",\"iterations\":1e400}", "{\"type\":\"primes\",\"limit\":99999999999999999999}",
    "{\"message\":\"\\ud800\"}", "{\"message\":\"😀 ü <script>\"}", "[".repeat(5000) + "]".repeat(5000),
    "{\"a\":".repeat(3000) + "1" + "}".repeat(3000));

  @Override
  public String name() {
    return "badinput";
  }

  @Override
  public void run(Stage stage, Result r) throws Exception {
    RouteTable routes = RouteTable.fromRouter(stage.out.resolve("routes"));
    Fuzzer fuzzer = new Fuzzer(routes);
    LanesProcess lanes = stage.start(new JsonObject()
      .put("http", new JsonObject().put("idleTimeoutSeconds", IDLE_SECONDS))
      .put("blocking", new JsonObject().put("maxSleepSeconds", 1))
      .put("tasks", new JsonObject().put("maxSeconds", 1).put("defaultSeconds", 0))
      .put("files", new JsonObject().put("maxBytes", 1024 * 1024).put("defaultBytes", 1024))
      .put("compute", new JsonObject().put("maxIterations", 1_000_000))
      .put("fanout", new JsonObject().put("maxDelayMs", 200).put("timeoutMs", 1000))
      .encode(), true);
    Http http = stage.http(32, IDLE_SECONDS);
    HelloProbe hello = new HelloProbe(lanes.base + "/hello", 100);
    SlowClients slow = new SlowClients(stage.port);
    Verdicts v = new Verdicts();
    try {
      List<FuzzRequest> table = fuzzer.sweep();
      runAll(http, table, v, "table");
      List<FuzzRequest> bodies = new ArrayList<>();
      for (String uri : List.of("/send", "/jobs")) {
        for (String body : BAD_BODIES) {
          for (String type : List.of("application/json", "application/x-www-form-urlencoded", "text/plain")) {
            bodies.add(new FuzzRequest(HttpMethod.POST, uri, body, type));
          }
        }
      }
      runAll(http, bodies, v, "bodies");
      oddBodies(http, v);
      wrongMethods(http, v);
      // Oversized header (431) and URI (414), on raw sockets.
      String header = Http.raw(stage.port, ("GET /hello HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(10_000) + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), 5000);
      String uriAnswer = Http.raw(stage.port, ("GET /hello?x=" + "u".repeat(5000) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1), 5000);
      v.expectRaw("header of 10,000 bytes", header, 431);
      v.expectRaw("URI of 5,000 bytes", uriAnswer, 414);
      streams(stage, routes, v);
      int randomCount = stage.fast ? 400 : 1500;
      runAll(http, fuzzer.random(new Random(stage.seed), randomCount), v, "random");
      // Slowloris: a request that stops half-way is closed by the idle timeout; one that trickles is not.
      double silentClosedS = slow.slowloris(0, 20_000);
      double trickleHeldS = slow.slowloris(500, (IDLE_SECONDS + 4) * 1000);
      int disconnects = slow.disconnects();
      hello.stop();
      long errorLines = lanes.logText().lines().filter(l -> l.contains(" ERROR ")).count();
      r.figure("%d requests: %d fixed-table over the router's %d routes, %d bodies, %d random (seed %d)", v.total(), table.size(),
        fuzzer.routeCount(), bodies.size(), randomCount, stage.seed);
      r.figure("statuses %s", v.statuses());
      r.figure("431 for a 10,000-byte header: %s; 414 for a 5,000-byte URI: %s", Http.statusOf(header), Http.statusOf(uriAnswer));
      r.figure("slowloris: silent half-request closed after %.1f s (idle timeout %d s); a byte every 500 ms %s",
        silentClosedS, IDLE_SECONDS, trickleHeldS < 0
          ? "was still open after " + (IDLE_SECONDS + 4) + " s (not bounded by the idle timeout)"
          : String.format(Locale.ROOT, "closed after %.1f s", trickleHeldS));
      r.figure("%d mid-request / after-answer disconnects", disconnects);
      r.figure("/hello throughout: %s; server log ERROR lines: %d", hello.summary(), errorLines);
      v.report(r);
      r.check(silentClosedS > 0 && silentClosedS <= IDLE_SECONDS + 2, "a silent half-request was not closed by the idle timeout");
      r.check(hello.allOk(), "/hello failed while bad input was served");
      r.check(errorLines == 0, "the server logged " + errorLines + " ERROR lines (see " + lanes.log + ")");
      Files.writeString(stage.scratch.resolve("problems.txt"), String.join("\n", v.problems()) + "\n");
    } finally {
      hello.stop();
      http.close();
      lanes.stop();
    }
  }

  /** Sends {@code requests} {@link #WINDOW} at a time and judges every answer. */
  private static void runAll(Http http, List<FuzzRequest> requests, Verdicts v, String label) throws Exception {
    for (int i = 0; i < requests.size(); i += WINDOW) {
      List<FuzzRequest> window = requests.subList(i, Math.min(requests.size(), i + WINDOW));
      List<Future<Answer>> calls = new ArrayList<>();
      for (FuzzRequest request : window) {
        calls.add(http.call(request.method(), request.uri(), request.contentType() == null ? null : Http.contentType(request.contentType()),
          request.body() == null ? null : Buffer.buffer(request.body()), 10_000));
      }
      List<Answer> answers = Http.awaitAll(calls, 60);
      for (int k = 0; k < answers.size(); k++) {
        v.check(window.get(k).describe(label), answers.get(k));
      }
    }
  }

  /** Invalid UTF-8, form bodies with bad escapes, a multipart body, an empty body; then bodies over the limit (413). */
  private static void oddBodies(Http http, Verdicts v) throws Exception {
    for (String uri : List.of("/send", "/jobs")) {
      for (String type : List.of("application/json", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz",
        "multipart/form-data; boundary=", "")) {
        v.check("bytes " + uri + " " + type, post(http, uri, type, Buffer.buffer(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '{'})));
        v.check("form " + uri + " " + type, post(http, uri, type, Buffer.buffer("a=%zz&message=%&b=" + "x".repeat(20_000))));
        v.check("multipart " + uri + " " + type, post(http, uri, type,
          Buffer.buffer("--zz\r\nContent-Disposition: form-data; name=\"f\"; filename=\"../../x\"\r\n\r\nabc\r\n--zz--\r\n")));
        v.check("empty " + uri + " " + type, post(http, uri, type, Buffer.buffer()));
      }
    }
    for (String uri : List.of("/send", "/jobs")) {
      for (String type : List.of("application/json", "application/x-www-form-urlencoded")) {
        Answer big = post(http, uri, type, Buffer.buffer("{\"message\":\"" + "x".repeat(100_000) + "\"}"));
        v.check("oversized " + uri + " " + type, big);
        v.expect("oversized " + uri + " " + type, big, 413);
      }
    }
  }

  /** Methods a route does not serve: 405. */
  private static void wrongMethods(Http http, Verdicts v) throws Exception {
    for (String[] wrong : List.of(new String[] {"DELETE", "/hello"}, new String[] {"PUT", "/write"},
      new String[] {"GET", "/send"}, new String[] {"GET", "/jobs"}, new String[] {"POST", "/hello"},
      new String[] {"PATCH", "/sync?seconds=0"}, new String[] {"DELETE", "/tasks/1"}, new String[] {"POST", "/fetch-data"})) {
      Answer answer = Http.await(http.call(HttpMethod.valueOf(wrong[0]), wrong[1], null, null, 10_000), 15);
      v.check(wrong[0] + " " + wrong[1], answer);
      v.expect(wrong[0] + " " + wrong[1], answer, 405);
    }
  }

  /**
   * A stream never ends, so each bad request to one is judged on its head: 200 {@code text/event-stream} (it ignores
   * what it does not read) or a 4xx, within 5 s; then the driver hangs up.
   */
  private static void streams(Stage stage, RouteTable routes, Verdicts v) throws Exception {
    for (RouteTable.Route route : routes.streams()) {
      for (String query : List.of("", "?x=", "?x=abc", "?x=%ZZ", "?x=" + "9".repeat(400))) {
        String name = "stream " + route.method() + " " + route.path() + query;
        String head = Http.rawHead(stage.port, (route.method().name() + " " + route.path() + query
          + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1), 5000);
        int status = Http.statusOf(head);
        v.expectRaw(name, head, status == 200 || (status >= 400 && status < 500) ? status : 200);
        if (status == 200 && !head.toLowerCase(java.util.Locale.ROOT).contains("content-type: text/event-stream")) {
          v.expectRaw(name + " (not text/event-stream)", head, -2);
        }
      }
    }
  }

  private static Answer post(Http http, String uri, String contentType, Buffer body) throws Exception {
    return Http.await(http.call(HttpMethod.POST, uri, Http.contentType(contentType), body, 10_000), 15);
  }
}
