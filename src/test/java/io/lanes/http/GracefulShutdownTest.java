package io.lanes.http;

import io.lanes.app.Node;
import io.lanes.app.Readiness;
import io.lanes.support.Await;
import io.lanes.support.TestNodes;
import io.lanes.support.Threads;
import io.vertx.core.Future;
import io.vertx.core.Promise;
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
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

@ExtendWith(VertxExtension.class)
@DisplayName("Graceful shutdown of the HTTP front")
class GracefulShutdownTest {

  @TempDir
  Path dataDir;

  private WebClient client;
  private NetClient probe;

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lets an in-flight /sync finish while new connections are refused and readiness is DOWN")
  void inFlightRequestCompletes(Vertx vertx, VertxTestContext testContext) {
    Node node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    probe = vertx.createNetClient();
    Promise<HttpResponse<Buffer>> inFlight = Promise.promise();
    Promise<Void> refused = Promise.promise();

    TestNodes.deployHttp(vertx, node)
      .compose(deploymentId -> {
        client.get(node.httpPort(), "127.0.0.1", "/sync?seconds=2").send().onComplete(inFlight);
        return Await.until(vertx, () -> Threads.countInside("lanes-blocking", "CoreHandlers.lambda$sync") == 1)
          .map(deploymentId);
      })
      .compose(deploymentId -> {
        Future<Void> undeployed = vertx.undeploy(deploymentId);
        refuseNewConnections(vertx, node.httpPort(), refused);
        return refused.future()
          .onSuccess(v -> testContext.verify(() -> {
            assertEquals(Readiness.State.DRAINING, node.readiness().state());
            assertFalse(inFlight.future().isComplete(), "the in-flight request should still be running when the listener is closed");
          }))
          .compose(v -> inFlight.future())
          .compose(response -> undeployed.map(response));
      })
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode());
        assertEquals("Done", response.bodyAsJsonObject().getString("message"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("cuts a request that outlives the grace period, and the undeploy ends soon after the grace")
  void cutsRequestsPastTheGrace(Vertx vertx, VertxTestContext testContext) {
    Node node = TestNodes.node(vertx, TestNodes.config(dataDir,
      new JsonObject().put("shutdown", new JsonObject().put("graceMs", 300))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    Promise<HttpResponse<Buffer>> tooLong = Promise.promise();
    TestNodes.deployHttp(vertx, node)
      .compose(deploymentId -> {
        client.get(node.httpPort(), "127.0.0.1", "/sync?seconds=10").send().onComplete(tooLong);
        return Await.until(vertx, () -> Threads.countInside("lanes-blocking", "CoreHandlers.lambda$sync") == 1)
          .map(deploymentId);
      })
      .compose(vertx::undeploy)
      .onComplete(testContext.succeeding(undeployed -> testContext.verify(() -> {
        assertEquals(1, Threads.countInside("lanes-blocking", "CoreHandlers.lambda$sync"),
          "the undeploy should end at the grace, long before the 10 s sleep");
      })))
      .compose(undeployed -> tooLong.future())
      .onComplete(testContext.failing(cut -> testContext.completeNow()));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers /ready with 503 while draining, before the listener closes")
  void readinessTurnsDownFirst(Vertx vertx, VertxTestContext testContext) {
    Node node = TestNodes.node(vertx, TestNodes.config(dataDir,
      new JsonObject().put("shutdown", new JsonObject().put("drainDelayMs", 2000))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    TestNodes.deployHttp(vertx, node)
      .compose(deploymentId -> {
        node.readiness().markReady();
        vertx.undeploy(deploymentId);
        return Await.until(vertx, () -> node.readiness().state() == Readiness.State.DRAINING);
      })
      .compose(draining -> client.get(node.httpPort(), "127.0.0.1", "/ready").send())
      .onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
        assertEquals(503, ready.statusCode());
        assertEquals("draining", ready.bodyAsJsonObject().getString("detail"));
        testContext.completeNow();
      })));
  }

  /** Tries a new TCP connection every 20 ms until one is refused. */
  private void refuseNewConnections(Vertx vertx, int port, Promise<Void> refused) {
    probe.connect(port, "127.0.0.1").onComplete(attempt -> {
      if (attempt.failed()) {
        refused.tryComplete();
      } else {
        attempt.result().close();
        vertx.setTimer(20, id -> refuseNewConnections(vertx, port, refused));
      }
    });
  }
}
