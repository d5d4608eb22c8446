package io.lanes.fanout;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("GET /fetch-data")
class FetchDataTest extends FakeUpstreamTest {

  private static final int MAX_BODY = 4096;

  private Future<HttpResponse<Buffer>> fetchData(long timeoutMs, List<String> upstreams) {
    return fetchData(timeoutMs, upstreams, "/fetch-data");
  }

  private Future<HttpResponse<Buffer>> fetchData(long timeoutMs, List<String> upstreams, String uri) {
    return FanoutNodes.lanes(vertx, dataDir, FanoutNodes.fanout(timeoutMs, 8, MAX_BODY, upstreams))
      .compose(node -> client.get(node.httpPort(), "127.0.0.1", uri).send());
  }

  /** The outcome of call {@code index}: {@code {"upstream","status","elapsed_ms","error"}}. */
  private static JsonObject result(HttpResponse<Buffer> response, int index) {
    return response.bodyAsJsonObject().getJsonArray("upstreams").getJsonObject(index);
  }

  /** The JSON body upstream {@code index} answered, as the original lists it in {@code results}; null when it failed. */
  private static Object body(HttpResponse<Buffer> response, int index) {
    return response.bodyAsJsonObject().getJsonArray("results").getValue(index);
  }

  private static String kind(JsonObject result) {
    return result.getJsonObject("error").getString("kind");
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("calls three 300 ms upstreams at once: all three in flight together at the upstream")
  void callsUpstreamsConcurrently(VertxTestContext testContext) {
    List<String> upstreams = List.of(
      fake.url("/json?delay_ms=300&n=1"), fake.url("/json?delay_ms=300&n=2"), fake.url("/json?delay_ms=300&n=3"));
    fetchData(5000, upstreams).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
      JsonArray outcomes = response.bodyAsJsonObject().getJsonArray("upstreams");
      assertEquals(3, results.size());
      assertEquals(3, outcomes.size());
      for (int i = 0; i < 3; i++) {
        JsonObject result = outcomes.getJsonObject(i);
        assertEquals(upstreams.get(i), result.getString("upstream"), "configured order");
        assertEquals(200, result.getInteger("status"));
        assertEquals("/json?delay_ms=300&n=" + (i + 1), results.getJsonObject(i).getString("uri"), "the body itself");
        assertTrue(result.getLong("elapsed_ms") >= 300, result.encode());
        assertTrue(result.containsKey("error"));
        assertNull(result.getValue("error"));
        assertFalse(result.containsKey("body"), "bodies are in results only");
      }
      assertEquals(3, fake.maxInFlight(), "the three calls should overlap at the upstream");
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 200 at the deadline with one result, one http_status and one timeout when one upstream hangs")
  void reportsPartialFailure(VertxTestContext testContext) {
    long timeoutMs = 500;
    List<String> upstreams = List.of(fake.url("/json"), fake.url("/status/500"), fake.url("/hang"));
    fetchData(timeoutMs, upstreams).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertEquals(200, response.statusCode(), response.bodyAsString());
      assertEquals(true, ((JsonObject) body(response, 0)).getBoolean("ok"));
      JsonObject failed = result(response, 1);
      assertEquals("http_status", kind(failed));
      assertEquals(500, failed.getInteger("status"));
      assertTrue(response.bodyAsJsonObject().getJsonArray("results").hasNull(1), "a failed upstream's body is null");
      assertNull(body(response, 2));
      JsonObject hung = result(response, 2);
      assertEquals("timeout", kind(hung));
      assertNull(hung.getValue("status"));
      assertTrue(hung.getLong("elapsed_ms") >= timeoutMs, hung.encode());
      // The hanging upstream never answers: that this answer came at all is the deadline's doing.
      assertTrue(response.bodyAsJsonObject().getLong("elapsed_ms") >= timeoutMs, response.bodyAsString());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 502 with every failure when all fail: http_status, bad_json, connect")
  void answers502WhenAllFail(VertxTestContext testContext) {
    FanoutNodes.refusedPort(vertx)
      .compose(port -> fetchData(2000, List.of(
        fake.url("/status/503"), fake.url("/garbage"), "http://127.0.0.1:" + port + "/json")))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(502, response.statusCode(), response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("all upstreams failed", body.getString("error"));
        assertEquals("http_status", kind(result(response, 0)));
        assertEquals(503, result(response, 0).getInteger("status"));
        assertEquals("bad_json", kind(result(response, 1)));
        assertEquals(200, result(response, 1).getInteger("status"));
        assertEquals("connect", kind(result(response, 2)));
        assertNull(result(response, 2).getValue("status"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("cuts a trickling body at the deadline (timeout) and closes its connection")
  void cutsTricklingBodyAtDeadline(VertxTestContext testContext) {
    long timeoutMs = 400;
    fetchData(timeoutMs, List.of(fake.url("/trickle?piece_ms=20")))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(502, response.statusCode(), response.bodyAsString());
        JsonObject trickled = result(response, 0);
        assertEquals("timeout", kind(trickled));
        assertEquals(200, trickled.getInteger("status"), "the headers came in time, the body did not");
        assertTrue(trickled.getLong("elapsed_ms") >= timeoutMs);
      })))
      .compose(response -> Await.until(vertx, () -> fake.openConnections() == 0))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stops reading at fanout.maxBodyBytes (too_large), counted or declared, and accepts a body of exactly the cap")
  void capsTheBody(VertxTestContext testContext) {
    fetchData(2000, List.of(
      fake.url("/big?bytes=" + (MAX_BODY + 1) + "&declared=false"),
      fake.url("/big?bytes=" + 10 * MAX_BODY + "&declared=true"),
      fake.url("/big?bytes=" + MAX_BODY + "&declared=false")))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("too_large", kind(result(response, 0)));
        assertEquals("too_large", kind(result(response, 1)));
        assertEquals(MAX_BODY - 4, ((JsonArray) body(response, 2)).getString(0).length());
        assertNull(body(response, 0));
      })))
      // The two cut connections are closed; the complete one may stay for keep-alive.
      .compose(response -> Await.until(vertx, () -> fake.openConnections() <= 1))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("never lets a query parameter choose or change the target")
  void ignoresClientChosenTargets(VertxTestContext testContext) {
    String configured = fake.url("/json");
    String uri = "/fetch-data?url=" + fake.url("/garbage") + "&host=example.com&path=/garbage&upstream=x&port=1";
    fetchData(2000, List.of(configured), uri)
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals(configured, result(response, 0).getString("upstream"));
        assertEquals(List.of("/json"), fake.uris());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("calls this node's three embedded stubs when no upstream is configured")
  void defaultsToEmbeddedStubs(VertxTestContext testContext) {
    Future<TestNode> lanes = FanoutNodes.lanes(vertx, dataDir, new JsonObject());
    lanes
      .compose(node -> client.get(node.httpPort(), "127.0.0.1", "/fetch-data").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        String base = "http://127.0.0.1:" + lanes.result().httpPort();
        assertEquals(base + "/upstream/json", result(response, 0).getString("upstream"));
        assertEquals(base + "/upstream/uuid", result(response, 1).getString("upstream"));
        assertEquals(base + "/upstream/ip", result(response, 2).getString("upstream"));
        // What the original's clients read: results[0]["slideshow"], results[1]["uuid"], results[2]["origin"].
        JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
        assertEquals("Sample Slide Show", results.getJsonObject(0).getJsonObject("slideshow").getString("title"));
        assertEquals(36, results.getJsonObject(1).getString("uuid").length());
        assertEquals("127.0.0.1", results.getJsonObject(2).getString("origin"));
        testContext.completeNow();
      })));
  }
}
