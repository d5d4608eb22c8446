package io.lanes.fanout;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("A burst of /fetch-data larger than the upstream pool")
class FanoutBurstTest {

  private static final int REQUESTS = 200;
  private static final int POOL_SIZE = 4;
  private static final long TIMEOUT_MS = 500;

  @TempDir
  Path dataDir;

  private WebClient client;
  private FakeUpstreamVerticle fast;
  private FakeUpstreamVerticle hanging;

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("completes every request with ok or timeout, then leaves no upstream connection in use")
  void burstLeavesNoConnectionInUse(Vertx vertx, VertxTestContext testContext) {
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(REQUESTS));
    List<Future<HttpResponse<Buffer>>> burst = new ArrayList<>();
    Future.all(FanoutNodes.fakeUpstream(vertx), FanoutNodes.fakeUpstream(vertx))
      .compose(fakes -> {
        fast = fakes.resultAt(0);
        hanging = fakes.resultAt(1);
        return FanoutNodes.lanes(vertx, dataDir,
          FanoutNodes.fanout(TIMEOUT_MS, POOL_SIZE, 4096, List.of(fast.url("/json"), hanging.url("/hang"))));
      })
      .compose(node -> {
        for (int i = 0; i < REQUESTS; i++) {
          burst.add(fetchData(node));
        }
        return Future.all(burst).map(node);
      })
      .onSuccess(node -> testContext.verify(() -> {
        for (Future<HttpResponse<Buffer>> answer : burst) {
          HttpResponse<Buffer> response = answer.result();
          JsonObject body = response.bodyAsJsonObject();
          String fastOutcome = outcome(body, 0);
          assertTrue(Set.of("ok", "timeout").contains(fastOutcome), body.encode());
          assertEquals("timeout", outcome(body, 1), body.encode());
          assertEquals(fastOutcome.equals("ok") ? 200 : 502, response.statusCode(), body.encode());
        }
      }))
      // Every timed-out request was reset; what stays open is idle keep-alive, at most one pool's worth per upstream.
      .compose(node -> Await.until(vertx, () -> hanging.inFlight() == 0 && fast.inFlight() == 0
          && hanging.openConnections() <= POOL_SIZE && fast.openConnections() <= POOL_SIZE)
        .map(node))
      // And the pool still serves: nothing leaked holds a slot.
      .compose(this::fetchData)
      .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
        assertEquals("ok", outcome(after.bodyAsJsonObject(), 0), after.bodyAsString());
        assertEquals("timeout", outcome(after.bodyAsJsonObject(), 1), after.bodyAsString());
        testContext.completeNow();
      })));
  }

  private Future<HttpResponse<Buffer>> fetchData(TestNode node) {
    return client.get(node.httpPort(), "127.0.0.1", "/fetch-data").send();
  }

  private static String outcome(JsonObject body, int index) {
    JsonObject error = body.getJsonArray("upstreams").getJsonObject(index).getJsonObject("error");
    return error == null ? "ok" : error.getString("kind");
  }
}
