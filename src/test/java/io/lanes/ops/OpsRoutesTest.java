package io.lanes.ops;

import io.lanes.config.LanesConfig;
import io.lanes.http.ApiContract;
import io.lanes.http.HttpVerticle;
import io.lanes.http.Placement;
import io.lanes.lifecycle.Readiness;
import io.lanes.support.NotServedHere;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /ready")
class OpsRoutesTest {

  private WebClient client;

  /** An HTTP front with the ops routes alone, on the contract; its port. */
  private Future<Integer> serve(Vertx vertx, Readiness readiness, AtomicBoolean computeReachable) {
    LanesConfig config = LanesConfig.from(new JsonObject().put("http", new JsonObject().put("port", 0).put("instances", 1)));
    client = WebClient.create(vertx);
    return ApiContract.load(vertx, Map.of())
      .compose(contract -> {
        HttpVerticle front = new HttpVerticle(config.http(), config.shutdown(), new Readiness(), contract, instance ->
          List.of(new OpsRoutes(Placement.API, "ops-test-node", readiness, HealthChecks.create(instance), ctx -> ctx.end(),
            computeReachable::get, 7), new NotServedHere()));
        return vertx.deployVerticle(front).map(id -> front.actualPort());
      });
  }

  private Future<HttpResponse<Buffer>> ready(int port) {
    return client.get(port, "127.0.0.1", "/ready").send();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("is 503 starting, then UP once ready with a compute consumer, 503 without one, 503 draining at the end")
  void followsReadiness(Vertx vertx, VertxTestContext testContext) {
    Readiness readiness = new Readiness();
    AtomicBoolean computeReachable = new AtomicBoolean(true);
    serve(vertx, readiness, computeReachable)
      .compose(server -> ready(server)
        .compose(starting -> {
          testContext.verify(() -> assertDown(starting, "starting"));
          readiness.markReady();
          return ready(server);
        })
        .compose(up -> {
          testContext.verify(() -> {
            assertEquals(200, up.statusCode());
            assertEquals("UP", up.bodyAsJsonObject().getString("status"));
            assertEquals("ops-test-node", up.bodyAsJsonObject().getString("node"));
          });
          computeReachable.set(false);
          return ready(server);
        })
        .compose(noCompute -> {
          testContext.verify(() -> assertDown(noCompute, "no compute consumer"));
          readiness.drain();
          return ready(server);
        }))
      .onComplete(testContext.succeeding(draining -> testContext.verify(() -> {
        assertDown(draining, "draining");
        testContext.completeNow();
      })));
  }

  private static void assertDown(HttpResponse<Buffer> response, String detail) {
    assertEquals(503, response.statusCode(), response.bodyAsString());
    assertEquals("DOWN", response.bodyAsJsonObject().getString("status"));
    assertEquals(detail, response.bodyAsJsonObject().getString("detail"));
    assertEquals("7", response.getHeader("Retry-After"));
  }
}
