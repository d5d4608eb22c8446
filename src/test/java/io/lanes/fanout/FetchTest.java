package io.lanes.fanout;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@DisplayName("GET /fetch")
class FetchTest extends FakeUpstreamTest {

  /** A node whose first upstream is {@code first} (the others must not be called by /fetch). */
  private Future<HttpResponse<Buffer>> fetch(String first) {
    return FanoutNodes.lanes(vertx, dataDir, FanoutNodes.fanout(400, 4, 4096, List.of(first, fake.url("/garbage"))))
      .compose(node -> client.get(node.httpPort(), "127.0.0.1", "/fetch").send());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers the first upstream's status and calls no other")
  void answersTheFirstUpstreamsStatus(VertxTestContext testContext) {
    fetch(fake.url("/json")).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertEquals(200, response.statusCode());
      assertEquals(new JsonObject().put("status", 200), response.bodyAsJsonObject());
      assertEquals(List.of("/json"), fake.uris());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("passes an upstream error status on as the value, not as its own status")
  void reportsAnErrorStatusAsTheValue(VertxTestContext testContext) {
    fetch(fake.url("/status/503")).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertEquals(200, response.statusCode());
      assertEquals(new JsonObject().put("status", 503), response.bodyAsJsonObject());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 504 when the upstream misses the deadline")
  void answers504OnTimeout(VertxTestContext testContext) {
    fetch(fake.url("/hang")).onComplete(testContext.succeeding(response -> testContext.verify(() -> {
      assertEquals(504, response.statusCode(), response.bodyAsString());
      JsonObject body = response.bodyAsJsonObject();
      assertEquals("upstream timed out", body.getString("error"));
      assertEquals("timeout", body.getJsonObject("detail").getString("kind"));
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 502 when the upstream cannot be reached")
  void answers502OnConnectFailure(VertxTestContext testContext) {
    FanoutNodes.refusedPort(vertx)
      .compose(port -> fetch("http://127.0.0.1:" + port + "/json"))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(502, response.statusCode(), response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("upstream unreachable", body.getString("error"));
        assertEquals("connect", body.getJsonObject("detail").getString("kind"));
        testContext.completeNow();
      })));
  }
}
