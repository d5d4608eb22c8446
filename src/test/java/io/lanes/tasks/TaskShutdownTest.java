package io.lanes.tasks;

import io.lanes.lifecycle.BackgroundWork;
import io.lanes.support.TestNodes;
import io.lanes.support.TestNode;
import io.lanes.lifecycle.Readiness;
import io.lanes.lifecycle.DrainingException;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Background tasks at shutdown")
class TaskShutdownTest {

  @TempDir
  Path dataDir;

  private final CountDownLatch release = new CountDownLatch(1);
  private final LogCapture taskLog = LogCapture.of(TaskRunner.class);
  private final LogCapture drainLog = LogCapture.of(BackgroundWork.class);
  private WebClient client;

  @AfterEach
  void cleanUp() {
    release.countDown();
    taskLog.close();
    drainLog.close();
  }

  private JsonObject conf(long graceMs) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("roles", new JsonArray().add("http"))
      .put("tasks", new JsonObject().put("maxRunning", 1))
      .put("shutdown", new JsonObject().put("graceMs", graceMs));
  }

  private static String stateOf(TestNode node, String id) {
    JsonObject state = node.tasks().state(id).result();
    return state == null ? null : state.getString("state");
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lets a running and a queued task finish within the grace, and refuses new ones meanwhile")
  void drainsRunningAndQueuedTasks(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, conf(5000));
    client = WebClient.create(vertx);
    node.deploy()
      .compose(deploymentId -> client.get(node.httpPort(), "127.0.0.1", "/task/1?seconds=1").send()
        .compose(accepted -> client.get(node.httpPort(), "127.0.0.1", "/task/2?seconds=0").send())
        .compose(accepted -> Await.until(vertx, () -> "running".equals(stateOf(node, "1"))))
        .map(deploymentId))
      .compose(deploymentId -> {
        Future<Void> undeployed = vertx.undeploy(deploymentId);
        return Await.until(vertx, () -> node.readiness().state() == Readiness.State.DRAINING)
          .compose(draining -> node.tasks().submit("3", TaskBody.sleep(0)))
          .transform(refused -> {
            testContext.verify(() -> {
              assertTrue(refused.failed(), "a draining node must refuse new tasks");
              assertInstanceOf(DrainingException.class, refused.cause());
            });
            return undeployed;
          });
      })
      .onComplete(testContext.succeeding(undeployed -> testContext.verify(() -> {
        assertEquals("done", stateOf(node, "1"));
        assertEquals("done", stateOf(node, "2"));
        assertTrue(taskLog.contains("Finished Task 1"));
        assertTrue(taskLog.contains("Finished Task 2"));
        assertEquals(0, node.background().pending());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stops waiting at the end of the grace and names the task it could not finish")
  void namesTheTaskCutByTheGrace(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, conf(300));
    node.deploy()
      .compose(deploymentId -> node.tasks().submit("9", release::await)
        .compose(accepted -> Await.until(vertx, () -> "running".equals(stateOf(node, "9"))))
        .map(deploymentId))
      .compose(vertx::undeploy)
      .onComplete(testContext.succeeding(undeployed -> testContext.verify(() -> {
        assertTrue(drainLog.contains("Shutdown grace ran out: background work task-9 did not finish"),
          drainLog.messages().toString());
        testContext.completeNow();
      })));
  }
}
