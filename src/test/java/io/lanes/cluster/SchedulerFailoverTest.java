package io.lanes.cluster;

import io.lanes.app.MainVerticle;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.lanes.schedule.HeartbeatJob;
import io.lanes.schedule.JobStats;
import io.lanes.support.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clustered Vert.x in one JVM (Hazelcast on free 127.0.0.1 ports, a cluster of this test's own), each running the
 * real {@link MainVerticle} with the scheduler role only and a 200 ms heartbeat. A fresh cluster per test, as the test
 * takes a node down.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A periodic job in a cluster")
class SchedulerFailoverTest {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerFailoverTest.class);
  private static final long PERIOD_MS = 200;
  /** A graceful leave is seen at once and the next period is free to claim: a few periods, with slack for a busy host. */
  private static final long TAKE_OVER_WITHIN_MS = 5000;
  private static final int RUNS_AFTER_TAKE_OVER = 3;
  /** Both nodes name the owner once it has run a period and the other has ticked after it. */
  private static final long AGREE_WITHIN_MS = 5000;

  @TempDir
  Path dataDir;

  private final List<Vertx> vertx = new ArrayList<>();
  private final List<TestNode> nodes = new ArrayList<>();

  private JsonObject conf() {
    JsonObject heartbeat = new JsonObject().put("name", HeartbeatJob.NAME).put("intervalMs", PERIOD_MS);
    JsonObject sweeper = new JsonObject().put("name", "scratch-sweeper").put("enabled", false);
    return new JsonObject()
      .put("roles", new JsonArray().add("scheduler"))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("schedules", new JsonArray().add(heartbeat).add(sweeper))
      .put("shutdown", new JsonObject().put("graceMs", 1000));
  }

  @BeforeEach
  void startCluster(VertxTestContext testContext) {
    TestClusters.Members members = TestClusters.members("lanes-scheduler-failover-test", 2);
    Future<Vertx> first = members.start(0);
    Future<Vertx> second = members.start(1);
    Future.all(first, second)
      .compose(both -> {
        vertx.add(first.result());
        vertx.add(second.result());
        return Future.all(deployMain(first.result()), deployMain(second.result()));
      })
      .onSuccess(deployed -> {
        nodes.add(deployed.resultAt(0));
        nodes.add(deployed.resultAt(1));
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  private Future<TestNode> deployMain(Vertx on) {
    return TestNodes.start(on, conf());
  }

  /** Closes what is still open (closing a closed Vert.x again is harmless). */
  @AfterEach
  void stopCluster(VertxTestContext testContext) {
    Future.join(vertx.stream().map(Vertx::close).toList()).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("moves to the surviving node once the node that ran the last period leaves")
  void movesToTheSurvivorWhenItsOwnerLeaves(Vertx driver, VertxTestContext testContext) {
    // The test's steps run on the extension's own Vert.x: a chain on the closing node's context never resumes once it
    // has closed its event loops (the close future's callbacks are never run).
    long[] closedAt = new long[1];
    long[] survivorRunsAtClose = new long[1];
    int[] ownerIndex = new int[1];
    // both nodes name the same owner of the last run, and it has run since the cluster formed
    within(driver, AGREE_WITHIN_MS, () -> {
      String owner = stats(0).owner();
      return owner.equals(stats(1).owner()) && stats(indexOf(owner)).runs() > 0;
    }, () -> "the nodes never agreed on an owner that ran: " + stats(0).toJson() + " / " + stats(1).toJson())
      .compose(agreed -> {
        ownerIndex[0] = indexOf(stats(0).owner());
        survivorRunsAtClose[0] = stats(1 - ownerIndex[0]).runs();
        closedAt[0] = System.nanoTime();
        LOG.info("Closing the owner {} (survivor {} has {} runs)", nodes.get(ownerIndex[0]).id(),
          nodes.get(1 - ownerIndex[0]).id(), survivorRunsAtClose[0]);
        return vertx.get(ownerIndex[0]).close();
      })
      .compose(closed -> {
        int survivor = 1 - ownerIndex[0];
        return within(driver, TAKE_OVER_WITHIN_MS, () -> stats(survivor).runs()
            >= survivorRunsAtClose[0] + RUNS_AFTER_TAKE_OVER && nodes.get(survivor).id().equals(stats(survivor).owner()),
          () -> "the survivor did not take the job over within " + TAKE_OVER_WITHIN_MS + " ms of the owner's close: "
            + stats(survivor).toJson() + " (it had " + survivorRunsAtClose[0] + " runs at the close)");
      })
      .onComplete(testContext.succeeding(tookOver -> testContext.verify(() -> {
        int survivor = 1 - ownerIndex[0];
        JobStats stats = stats(survivor);
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - closedAt[0]);
        LOG.info("The survivor ran {} more periods {} ms after the owner's close began", stats.runs()
          - survivorRunsAtClose[0], tookMs);
        assertEquals(nodes.get(survivor).id(), stats.owner());
        assertTrue(stats.runs() >= survivorRunsAtClose[0] + RUNS_AFTER_TAKE_OVER, stats.toJson().encode());
        testContext.completeNow();
      })));
  }

  private JobStats stats(int node) {
    return nodes.get(node).schedules().job(HeartbeatJob.NAME)
      .orElseThrow(() -> new AssertionError("no heartbeat on " + nodes.get(node).id()));
  }

  private int indexOf(String nodeId) {
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).id().equals(nodeId)) {
        return i;
      }
    }
    throw new AssertionError("the owner " + nodeId + " is neither node");
  }

  /** Completes once {@code done} holds (asked every 20 ms on {@code on}); fails naming {@code what} after {@code ms}. */
  private static Future<Void> within(Vertx on, long ms, BooleanSupplier done, Supplier<String> what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    return poll(on, deadline, done, what);
  }

  private static Future<Void> poll(Vertx on, long deadline, BooleanSupplier done, Supplier<String> what) {
    if (done.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(new AssertionError(what.get()));
    }
    return on.timer(20, TimeUnit.MILLISECONDS).compose(tick -> poll(on, deadline, done, what));
  }
}
