package io.lanes.files;

import io.lanes.support.TestNode;
import io.lanes.lifecycle.Readiness;
import io.lanes.support.Await;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("POST /send")
class SendRouteTest {

  /** A whole line: an ISO instant, a space, one JSON string. */
  private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z) (\".*\")$");
  private static final JsonObject RECEIVED = new JsonObject().put("status", "Message received");

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;
  private NetClient raw;
  private final CountDownLatch releaseLog = new CountDownLatch(1);

  @AfterEach
  void releaseTheLogPool() {
    releaseLog.countDown();
  }

  private Future<Void> deploy(Vertx vertx, JsonObject overrides) {
    node = TestNodes.node(vertx, TestNodes.config(dataDir, overrides));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(64));
    return TestNodes.deploy(vertx, node).mapEmpty();
  }

  private Future<HttpResponse<Buffer>> send(String body) {
    var request = client.post(node.httpPort(), "127.0.0.1", "/send");
    return body == null ? request.send() : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body));
  }

  private Path log() {
    return dataDir.resolve(LogAppender.FILE_NAME);
  }

  private List<String> logLines() throws IOException {
    return Files.exists(log()) ? Files.readAllLines(log()) : List.of();
  }

  /** Occupies the one thread of the log pool until {@link #releaseLog} opens, so appends must wait. */
  private void holdTheLogPool(Vertx vertx) throws InterruptedException {
    WorkerExecutor logPool = vertx.createSharedWorkerExecutor(LogAppender.POOL_NAME, 1);
    CountDownLatch holding = new CountDownLatch(1);
    logPool.executeBlocking(() -> {
      holding.countDown();
      return releaseLog.await(20, TimeUnit.SECONDS);
    }, false);
    assertTrue(holding.await(5, TimeUnit.SECONDS));
  }

  private static String messageOf(String line) {
    Matcher matcher = LINE.matcher(line);
    assertTrue(matcher.matches(), "not a whole log line: " + line);
    return (String) io.vertx.core.json.Json.decodeValue(matcher.group(2));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers at once, before the line is written, then appends one line per message (or the default)")
  void answersFirstThenAppends(Vertx vertx, VertxTestContext testContext) throws Exception {
    holdTheLogPool(vertx);
    deploy(vertx, new JsonObject())
      .compose(v -> Future.all(
        send("{\"message\":\"first\\nsecond line \\\"quoted\\\"\"}"),
        send(null),
        send("{}"),
        send("{\"message\":null,\"other\":1}")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (int i = 0; i < 4; i++) {
          HttpResponse<Buffer> answer = all.resultAt(i);
          assertEquals(200, answer.statusCode(), answer.bodyAsString());
          assertEquals(RECEIVED, answer.bodyAsJsonObject());
        }
        assertEquals(List.of(), logLines(), "the lines wait for the log appender, the answers did not");
        assertEquals(4, node.background().pending());
        releaseLog.countDown();
      })))
      .compose(v -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        List<String> lines = logLines();
        assertEquals(4, lines.size(), lines.toString());
        Set<String> messages = new HashSet<>();
        lines.forEach(line -> messages.add(messageOf(line)));
        assertEquals(Set.of("first\nsecond line \"quoted\"", FileRoutes.DEFAULT_MESSAGE), messages);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 lane full (lane log) past files.logQueueBytes waiting, and writes every line it accepted")
  void refusesPastTheLogQueueBound(Vertx vertx, VertxTestContext testContext) throws Exception {
    holdTheLogPool(vertx);
    String message = "x".repeat(300);
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    deploy(vertx, new JsonObject().put("files", new JsonObject().put("logQueueBytes", 1024)))
      .compose(v -> {
        // ~330 bytes a line: three fit in 1024 bytes, the rest must be refused while the appender is held.
        for (int i = 0; i < 6; i++) {
          sends.add(send("{\"message\":\"" + message + "\"}"));
        }
        return Future.all(sends);
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<HttpResponse<Buffer>> answers = sends.stream().map(Future::result).toList();
        List<HttpResponse<Buffer>> refused = answers.stream().filter(a -> a.statusCode() == 503).toList();
        assertEquals(3, answers.stream().filter(a -> a.statusCode() == 200).count(), answers.toString());
        assertEquals(3, refused.size());
        for (HttpResponse<Buffer> answer : refused) {
          assertEquals("lane full", answer.bodyAsJsonObject().getString("error"));
          assertEquals("log", answer.bodyAsJsonObject().getJsonObject("detail").getString("lane"));
          assertNotNull(answer.getHeader("Retry-After"));
        }
        releaseLog.countDown();
      })))
      .compose(v -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertEquals(3, logLines().size(), "every accepted line, and only those");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 log unavailable once an append failed (data dir gone), and accepts again once it is back")
  void refusesWhileTheLogCannotBeWritten(Vertx vertx, VertxTestContext testContext) throws Exception {
    Path gone = dataDir.resolve("gone");
    Files.createDirectory(gone);
    deploy(vertx, new JsonObject().put("files", new JsonObject().put("dataDir", gone.toString())))
      .compose(v -> vertx.fileSystem().deleteRecursive(gone.toString()))
      // Accepted before anyone knew: its append fails (the line is lost, as the route's contract says).
      .compose(v -> send("{\"message\":\"lost\"}"))
      .compose(first -> {
        testContext.verify(() -> assertEquals(200, first.statusCode()));
        return Await.until(vertx, () -> node.log().failing());
      })
      .compose(v -> send("{\"message\":\"refused\"}"))
      .compose(refused -> {
        testContext.verify(() -> {
          assertEquals(503, refused.statusCode(), refused.bodyAsString());
          assertEquals("log unavailable", refused.bodyAsJsonObject().getString("error"));
          assertNotNull(refused.getHeader("Retry-After"));
        });
        return vertx.fileSystem().mkdirs(gone.toString());
      })
      // The appender probes at most once a second: the first sends after the directory is back may still be refused.
      .compose(v -> sendUntilAccepted(vertx, "{\"message\":\"back\"}"))
      .compose(v -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        List<String> lines = Files.readAllLines(gone.resolve(LogAppender.FILE_NAME));
        assertEquals(List.of("back"), lines.stream().map(SendRouteTest::messageOf).toList());
        testContext.completeNow();
      })));
  }

  /**
   * Sends messages {@code from..to-1}, 50 per event-loop turn: building a thousand requests in one go would itself hold
   * the test's event loop for longer than the blocked-thread limit.
   */
  private Future<Void> sendInBatches(Vertx vertx, int from, int to, List<Future<HttpResponse<Buffer>>> sends) {
    int end = Math.min(to, from + 50);
    for (int i = from; i < end; i++) {
      sends.add(send(new JsonObject().put("message", "message " + i + "\nnot a new line").encode()));
    }
    return end == to ? Future.succeededFuture() : vertx.timer(1, TimeUnit.MILLISECONDS)
      .compose(v -> sendInBatches(vertx, end, to, sends));
  }

  /** Sends {@code body} every 50 ms until it is answered 200 (only 503 log unavailable is expected meanwhile). */
  private Future<Void> sendUntilAccepted(Vertx vertx, String body) {
    return send(body).compose(answer -> {
      if (answer.statusCode() == 200) {
        return Future.succeededFuture();
      }
      if (answer.statusCode() != 503) {
        return Future.failedFuture("unexpected answer " + answer.statusCode() + " " + answer.bodyAsString());
      }
      return vertx.timer(50, TimeUnit.MILLISECONDS).compose(v -> sendUntilAccepted(vertx, body));
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers a body over http.maxBodyBytes with 413, bad JSON or a non-string message with 400, all in JSON")
  void refusesBadBodies(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("http", new JsonObject().put("maxBodyBytes", 100)))
      .compose(v -> Future.all(List.of(
        send("{\"message\":\"" + "x".repeat(200) + "\"}"),
        send("{\"message\":"),
        send("{\"message\":42}"),
        send("[\"message\"]"),
        send("\"just a string\""),
        client.get(node.httpPort(), "127.0.0.1", "/send").send())))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        int[] expected = {413, 400, 400, 400, 400, 405};
        for (int i = 0; i < expected.length; i++) {
          HttpResponse<Buffer> answer = all.resultAt(i);
          assertEquals(expected[i], answer.statusCode(), i + ": " + answer.bodyAsString());
          assertTrue(answer.bodyAsJsonObject().containsKey("error"), answer.bodyAsString());
        }
        assertEquals(0, node.background().pending());
        assertEquals(List.of(), logLines());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("still appends the line of a client that hung up right after its answer")
  void appendOutlivesTheConnection(Vertx vertx, VertxTestContext testContext) throws Exception {
    holdTheLogPool(vertx);
    raw = vertx.createNetClient();
    String body = "{\"message\":\"gone\"}";
    String request = "POST /send HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + body.length() + "\r\n\r\n" + body;
    deploy(vertx, new JsonObject())
      .compose(v -> raw.connect(node.httpPort(), "127.0.0.1"))
      .compose(socket -> firstBytes(socket, request).compose(answer -> socket.close().map(answer)))
      .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
        assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
        assertEquals(1, node.background().pending(), "the append is still waiting after the client left");
        releaseLog.countDown();
      })))
      .compose(v -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        List<String> lines = logLines();
        assertEquals(1, lines.size());
        assertEquals("gone", messageOf(lines.get(0)));
        testContext.completeNow();
      })));
  }

  private static Future<String> firstBytes(NetSocket socket, String request) {
    Promise<String> answer = Promise.promise();
    socket.handler(data -> answer.tryComplete(data.toString()));
    socket.write(request);
    return answer.future();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("writes exactly 1000 whole lines for 1000 concurrent sends, the pending ones during the shutdown")
  void shutdownDrainsPendingAppends(Vertx vertx, VertxTestContext testContext) throws Exception {
    holdTheLogPool(vertx);
    node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("roles", List.of("http", "files"))
      .put("shutdown", new JsonObject().put("graceMs", 20_000))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(64));
    List<Future<HttpResponse<Buffer>>> sends = new ArrayList<>();
    Promise<Void> undeployed = Promise.promise();
    node.deploy()
      .compose(id -> {
        return sendInBatches(vertx, 0, 1000, sends).compose(v -> Future.all(sends)).map(id);
      })
      .compose(id -> {
        testContext.verify(() -> {
          sends.forEach(answer -> assertEquals(200, answer.result().statusCode()));
          assertEquals(1000, node.background().pending());
        });
        vertx.undeploy(id).onComplete(undeployed);
        // The HTTP front and the writers are gone: only the main verticle, draining background work, is left.
        return Await.until(vertx, () -> vertx.deploymentIDs().size() <= 1);
      })
      .compose(childrenGone -> {
        testContext.verify(() -> {
          assertEquals(Readiness.State.DRAINING, node.readiness().state());
          assertEquals(List.of(), logLines(), "nothing was written before the shutdown");
          assertFalse(undeployed.future().isComplete(), "the shutdown waits for the pending appends");
        });
        releaseLog.countDown();
        return undeployed.future();
      })
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        List<String> lines = logLines();
        assertEquals(1000, lines.size());
        Set<String> messages = new HashSet<>();
        lines.forEach(line -> messages.add(messageOf(line)));
        assertEquals(1000, messages.size());
        assertTrue(messages.contains("message 999\nnot a new line"));
        assertEquals(0, node.background().pending());
        testContext.completeNow();
      })));
  }
}
