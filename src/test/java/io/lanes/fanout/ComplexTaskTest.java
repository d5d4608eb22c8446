package io.lanes.fanout;

import io.lanes.support.TestNode;
import io.lanes.compute.Deadline;
import io.lanes.compute.ScoreJob;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("GET /complex-task")
class ComplexTaskTest extends FakeUpstreamTest {

  /** A node whose first upstream is {@code path} on the fake, with or without compute verticles. */
  private Future<TestNode> node(String path, boolean withCompute, long computeTimeoutMs) {
    JsonObject config = TestNodes.config(dataDir, new JsonObject()
      .put("fanout", FanoutNodes.fanout(1000, 4, 64 * 1024, java.util.List.of(fake.url(path))))
      .put("compute", new JsonObject().put("instances", withCompute ? 1 : 0).put("timeoutMs", computeTimeoutMs)));
    return TestNodes.start(vertx, config);
  }

  private Future<HttpResponse<Buffer>> complexTask(TestNode node) {
    return client.get(node.httpPort(), "127.0.0.1", "/complex-task").send();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("scores the upstream's JSON on the compute lane, the same score every time")
  void scoresDeterministically(VertxTestContext testContext) {
    node("/json", true, 10_000)
      .compose(node -> complexTask(node).compose(first -> complexTask(node).map(second -> new JsonArray()
        .add(first.bodyAsJsonObject()).add(second.bodyAsJsonObject()).add(first.statusCode()))))
      .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
        assertEquals(200, answers.getInteger(2));
        JsonObject first = answers.getJsonObject(0);
        assertEquals(true, first.getBoolean("processed"));
        assertEquals(first.getLong("score"), answers.getJsonObject(1).getLong("score"));
        // the fake's /json body, scored directly with the default rounds
        JsonObject document = new JsonObject().put("ok", true).put("uri", "/json");
        Object expected = new ScoreJob().run(new JsonObject().put(ScoreJob.DOCUMENT, document)
          .put(ScoreJob.ROUNDS, ScoreJob.DEFAULT_ROUNDS), Deadline.in(60_000));
        assertEquals(((Number) expected).longValue(), first.getLong("score"));
        assertTrue(first.getLong("fetch_ms") >= 0 && first.getLong("compute_ms") >= 0, first.encode());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 502 when the upstream fails")
  void upstreamFailureIs502(VertxTestContext testContext) {
    node("/status/500", true, 10_000).compose(this::complexTask)
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(502, response.statusCode(), response.bodyAsString());
        assertEquals("upstream failed", response.bodyAsJsonObject().getString("error"));
        assertEquals("http_status", response.bodyAsJsonObject().getJsonObject("detail").getJsonObject("error").getString("kind"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 502 when the upstream gives no JSON document")
  void garbageIs502(VertxTestContext testContext) {
    node("/garbage", true, 10_000).compose(this::complexTask)
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(502, response.statusCode(), response.bodyAsString());
        assertEquals("bad_json", response.bodyAsJsonObject().getJsonObject("detail").getJsonObject("error").getString("kind"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 504 when scoring outlives compute.timeoutMs")
  void computeTimeoutIs504(VertxTestContext testContext) {
    node("/json", true, 1).compose(this::complexTask)
      .onComplete(testContext.succeeding(timedOut -> testContext.verify(() -> {
        assertEquals(504, timedOut.statusCode(), timedOut.bodyAsString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 when no compute consumer exists")
  void noConsumerIs503(VertxTestContext testContext) {
    node("/json", false, 10_000).compose(this::complexTask)
      .onComplete(testContext.succeeding(noConsumer -> testContext.verify(() -> {
        assertEquals(503, noConsumer.statusCode(), noConsumer.bodyAsString());
        assertEquals("no consumer", noConsumer.bodyAsJsonObject().getString("error"), "not a full lane: nobody listens");
        assertNotNull(noConsumer.getHeader("Retry-After"));
        testContext.completeNow();
      })));
  }
}
