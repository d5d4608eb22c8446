package io.lanes.http;

import io.lanes.support.TestNode;
import io.lanes.lifecycle.Readiness;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Graceful shutdown of the HTTP front")
class GracefulShutdownTest {

  /** Counts only the threads this test starts. */
  private final Threads threads = Threads.startedFromNow();

  @TempDir
  Path dataDir;

  private WebClient client;
  private NetClient probe;

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lets an in-flight /sync finish while new connections are refused and readiness is DOWN")
  void inFlightRequestCompletes(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    probe = vertx.createNetClient();
    Promise<HttpResponse<Buffer>> inFlight = Promise.promise();
    Promise<Void> refused = Promise.promise();

    TestNodes.deploy(vertx, node)
      .compose(deploymentId -> {
        client.get(node.httpPort(), "127.0.0.1", "/sync?seconds=2").send().onComplete(inFlight);
        return Await.until(vertx, () -> threads.countInside("lanes-blocking", "CoreRoutes.lambda$sync") >= 1)
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
  @DisplayName("waits the whole grace for a request that outlives it, then cuts it, names it in the log, and ends the undeploy")
  void cutsRequestsPastTheGrace(Vertx vertx, VertxTestContext testContext) {
    long graceMs = 300;
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir,
      new JsonObject().put("shutdown", new JsonObject().put("graceMs", graceMs))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    LogCapture cut = LogCapture.of(InFlightRequests.class);
    Promise<HttpResponse<Buffer>> tooLong = Promise.promise();
    long[] undeployStarted = new long[1];
    TestNodes.deploy(vertx, node)
      .compose(deploymentId -> {
        client.get(node.httpPort(), "127.0.0.1", "/sync?seconds=60").send().onComplete(tooLong);
        return Await.until(vertx, () -> threads.countInside("lanes-blocking", "CoreRoutes.lambda$sync") >= 1)
          .map(deploymentId);
      })
      .compose(deploymentId -> {
        undeployStarted[0] = System.nanoTime();
        return vertx.undeploy(deploymentId);
      })
      .compose(undeployed -> {
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - undeployStarted[0]);
        testContext.verify(() -> {
          // A lower bound only: a graceful shutdown cannot end before its grace while a request is in flight.
          // That it ended at all, within the test's timeout, shows it did not wait for the 60 s sleep.
          assertTrue(tookMs >= graceMs, "the undeploy ended after " + tookMs + " ms, before the grace of " + graceMs + " ms");
        });
        return tooLong.future().transform(Future::succeededFuture);
      })
      .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
        cut.close();
        assertTrue(answer.failed(), "the request past the grace should have been cut, got " + answer.result());
        assertTrue(cut.messages().stream().anyMatch(line -> line.contains("closing unfinished request")
          && line.contains("/sync?seconds=60")), "the cut request is named in the log: " + cut.messages());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers /ready with 503 while draining, before the listener closes")
  void readinessTurnsDownFirst(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir,
      new JsonObject().put("shutdown", new JsonObject().put("drainDelayMs", 2000))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    TestNodes.deploy(vertx, node)
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
