package io.lanes.http;

import io.lanes.support.TestNode;
import ch.qos.logback.classic.Level;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Requests the decoders refuse (bad percent-encoding, form bodies, clients that leave) get JSON 4xx, never a 500. */
@ExtendWith(VertxExtension.class)
@DisplayName("Malformed requests")
class MalformedRequestsTest {

  private static final String FORM = "application/x-www-form-urlencoded";

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;
  private NetClient raw;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setKeepAlive(false));
    raw = vertx.createNetClient();
    TestNodes.deploy(vertx, node).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer 400 in JSON to an invalid percent-encoding in the query or the path")
  void refuseBadPercentEncoding(VertxTestContext testContext) {
    Future.all(get("/sync?seconds=%zz"), get("/write?bytes=%"), get("/tasks/%zz"), get("/nope%"))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (int i = 0; i < all.size(); i++) {
          HttpResponse<Buffer> response = all.resultAt(i);
          assertEquals(400, response.statusCode(), response.bodyAsString());
          assertTrue(response.bodyAsJsonObject().containsKey("error"), response.bodyAsString());
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("read a form-encoded body up to http.maxBodyBytes, and answer 400 or 413 to a bad form or multipart body")
  void decodeFormBodies(Vertx vertx, VertxTestContext testContext) {
    String longMessage = "{\"message\":\"" + "x".repeat(20_000) + "\"}";
    Future.all(
        post("/send", FORM, longMessage),
        post("/send", FORM, "{\"message\":\"b%%F0%94\"}"),
        post("/jobs", FORM, "a=" + "x".repeat(70_000)),
        post("/send", "multipart/form-data; boundary=", "abc"),
        post("/jobs", "multipart/form-data; boundary=\"\"", "abc"),
        post("/send", "multipart/form-data; boundary=zz", "--zz\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n"
          + "x".repeat(70_000) + "\r\n--zz--\r\n"))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertEquals(200, all.<HttpResponse<Buffer>>resultAt(0).statusCode(), all.<HttpResponse<Buffer>>resultAt(0).bodyAsString());
        assertEquals(new JsonObject().put("status", "Message received"), all.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject());
        assertEquals(400, all.<HttpResponse<Buffer>>resultAt(1).statusCode(), all.<HttpResponse<Buffer>>resultAt(1).bodyAsString());
        assertEquals(413, all.<HttpResponse<Buffer>>resultAt(2).statusCode(), all.<HttpResponse<Buffer>>resultAt(2).bodyAsString());
        assertEquals(400, all.<HttpResponse<Buffer>>resultAt(3).statusCode(), all.<HttpResponse<Buffer>>resultAt(3).bodyAsString());
        assertEquals(400, all.<HttpResponse<Buffer>>resultAt(4).statusCode(), all.<HttpResponse<Buffer>>resultAt(4).bodyAsString());
        assertEquals(413, all.<HttpResponse<Buffer>>resultAt(5).statusCode(), all.<HttpResponse<Buffer>>resultAt(5).bodyAsString());
      })))
      // The 20,000-character message of the form-encoded body is the one line appended to log.txt.
      .compose(all -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        List<String> lines = Files.readAllLines(dataDir.resolve("log.txt"));
        assertEquals(1, lines.size(), "only the valid body was accepted");
        assertTrue(lines.get(0).endsWith(" \"" + "x".repeat(20_000) + "\""), lines.get(0).substring(0, 80));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("log nothing above DEBUG when a client leaves in the middle of its body")
  void stayQuietWhenTheClientLeaves(Vertx vertx, VertxTestContext testContext) {
    LogCapture failures = LogCapture.atDebug(FailureHandler.class);
    LogCapture requests = LogCapture.atDebug(InFlightRequests.class);
    raw.connect(node.httpPort(), "127.0.0.1")
      .compose(socket -> socket
        .write("POST /send HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{\"mess")
        .compose(v -> socket.close()))
      // The request log line is written when the server has seen the request end, here by the client leaving.
      .compose(v -> Await.until(vertx, () -> requests.messages().stream().anyMatch(line -> line.contains("POST /send"))))
      .compose(v -> get("/hello"))
      .onComplete(testContext.succeeding(hello -> testContext.verify(() -> {
        failures.close();
        requests.close();
        assertEquals(200, hello.statusCode());
        assertEquals(List.of(), failures.messagesAbove(Level.DEBUG));
        testContext.completeNow();
      })));
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  private Future<HttpResponse<Buffer>> post(String uri, String contentType, String body) {
    return client.post(node.httpPort(), "127.0.0.1", uri).putHeader("Content-Type", contentType).sendBuffer(Buffer.buffer(body));
  }
}
