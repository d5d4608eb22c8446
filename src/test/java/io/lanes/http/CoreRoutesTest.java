package io.lanes.http;

import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The core routes")
class CoreRoutesTest {

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    node = TestNodes.node(vertx, TestNodes.config(dataDir,
      new JsonObject().put("blocking", new JsonObject().put("maxSleepSeconds", 5).put("defaultSleepSeconds", 1))));
    TestNodes.deploy(vertx, node).onComplete(testContext.succeedingThenComplete());
  }

  private WebClient client(Vertx vertx) {
    if (client == null) {
      client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(node.httpPort()));
    }
    return client;
  }

  private Future<HttpResponse<Buffer>> get(Vertx vertx, String uri) {
    return client(vertx).get(uri).send();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer the FastAPI bodies on /, /hello, /sync and /async")
  void answerTheOriginalBodies(Vertx vertx, VertxTestContext testContext) {
    Future.all(
        get(vertx, "/"),
        get(vertx, "/hello"),
        get(vertx, "/sync?seconds=0.05"),
        get(vertx, "/async?seconds=1"),
        get(vertx, "/async?seconds=0"))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<HttpResponse<Buffer>> responses = all.list();
        for (HttpResponse<Buffer> response : responses) {
          assertEquals(200, response.statusCode(), response.bodyAsString());
          assertEquals("application/json", response.getHeader("Content-Type"));
        }
        assertEquals(new JsonObject().put("Hello", "World"), responses.get(0).bodyAsJsonObject());
        assertEquals(new JsonObject().put("message", "Hello world"), responses.get(1).bodyAsJsonObject());
        assertEquals(new JsonObject().put("message", "Done").put("seconds", 0.05).put("lane", "blocking"),
          responses.get(2).bodyAsJsonObject());
        assertEquals(new JsonObject().put("message", "Done").put("seconds", 1).put("lane", "loop"),
          responses.get(3).bodyAsJsonObject());
        assertEquals(0, responses.get(4).bodyAsJsonObject().getInteger("seconds"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("wait blocking.defaultSleepSeconds on /sync and /async without seconds, as the original's clients expect")
  void waitTheDefaultWithoutSeconds(Vertx vertx, VertxTestContext testContext) {
    long started = System.nanoTime();
    Future.all(get(vertx, "/sync"), get(vertx, "/async"))
      .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        List<HttpResponse<Buffer>> responses = both.list();
        assertEquals(200, responses.get(0).statusCode(), responses.get(0).bodyAsString());
        assertEquals(200, responses.get(1).statusCode(), responses.get(1).bodyAsString());
        assertEquals(new JsonObject().put("message", "Done").put("seconds", 1).put("lane", "blocking"),
          responses.get(0).bodyAsJsonObject());
        assertEquals(new JsonObject().put("message", "Done").put("seconds", 1).put("lane", "loop"),
          responses.get(1).bodyAsJsonObject());
        assertTrue(tookMs >= 1000, "both waited the configured default, took " + tookMs + " ms");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("report health and readiness as UP once the node is deployed")
  void reportHealthAndReadiness(Vertx vertx, VertxTestContext testContext) {
    Future.all(get(vertx, "/health"), get(vertx, "/ready"))
      .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
        HttpResponse<Buffer> health = both.resultAt(0);
        assertEquals(200, health.statusCode());
        assertEquals("UP", health.bodyAsJsonObject().getString("status"));
        HttpResponse<Buffer> ready = both.resultAt(1);
        assertEquals(200, ready.statusCode());
        assertEquals("UP", ready.bodyAsJsonObject().getString("status"));
        assertEquals(node.id(), ready.bodyAsJsonObject().getString("node"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer bad input with a JSON 400 naming the parameter, never a 500")
  void rejectBadInput(Vertx vertx, VertxTestContext testContext) {
    List<String> uris = new ArrayList<>();
    for (String route : List.of("/sync", "/async")) {
      uris.add(route + "?seconds=");
      uris.add(route + "?seconds=abc");
      uris.add(route + "?seconds=-1");
      uris.add(route + "?seconds=5.001");
      uris.add(route + "?seconds=6");
      uris.add(route + "?seconds=1e999999999");
      uris.add(route + "?seconds=0.0001");
      uris.add(route + "?seconds=NaN");
      uris.add(route + "?seconds=%27%3B%20DROP%20TABLE%20x");
      uris.add(route + "?seconds=%E2%88%9E");
    }
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    uris.forEach(uri -> answers.add(get(vertx, uri)));
    Future.all(answers).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      for (int i = 0; i < uris.size(); i++) {
        HttpResponse<Buffer> response = answers.get(i).result();
        String uri = uris.get(i);
        assertEquals(400, response.statusCode(), uri + " -> " + response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("bad parameter: seconds", body.getString("error"), uri);
        assertEquals("seconds", body.getJsonObject("detail").getString("parameter"), uri);
        assertFalse(response.bodyAsString().contains("Exception"), uri);
      }
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("tag every answer, errors included, with its own X-Request-Id")
  void tagEveryAnswerWithARequestId(Vertx vertx, VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> answers = List.of(get(vertx, "/hello"), get(vertx, "/hello"),
      get(vertx, "/sync?seconds=abc"), get(vertx, "/nope"), client(vertx).request(HttpMethod.DELETE, "/hello").send(),
      get(vertx, "/write?bytes=-1"));
    Future.all(answers).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      List<String> ids = new ArrayList<>();
      for (Future<HttpResponse<Buffer>> answer : answers) {
        String id = answer.result().getHeader(InFlightRequests.REQUEST_ID);
        assertNotNull(id, answer.result().statusCode() + " " + answer.result().bodyAsString());
        assertFalse(id.isBlank());
        ids.add(id);
      }
      assertEquals(List.of(200, 200, 400, 404, 405, 400), answers.stream().map(a -> a.result().statusCode()).toList());
      assertEquals(ids.size(), ids.stream().distinct().count(), "ids repeat: " + ids);
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer unknown paths and wrong methods in JSON")
  void answerRoutingErrorsInJson(Vertx vertx, VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> notFound = get(vertx, "/nope");
    Future<HttpResponse<Buffer>> wrongMethod = client(vertx).request(HttpMethod.DELETE, "/hello").send();
    Future<HttpResponse<Buffer>> postHello = client(vertx).post("/hello").sendBuffer(Buffer.buffer(new byte[4096]));
    Future.all(notFound, wrongMethod, postHello).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertEquals(404, notFound.result().statusCode());
      assertEquals("not found", notFound.result().bodyAsJsonObject().getString("error"));
      assertTrue(notFound.result().bodyAsJsonObject().getString("detail").contains("/nope"));
      assertEquals(405, wrongMethod.result().statusCode());
      assertEquals("method not allowed", wrongMethod.result().bodyAsJsonObject().getString("error"));
      assertEquals(405, postHello.result().statusCode());
      testContext.completeNow();
    })));
  }
}
