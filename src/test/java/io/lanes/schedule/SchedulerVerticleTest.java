package io.lanes.schedule;

import io.lanes.config.LanesConfig;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.config.ConfigException;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The scheduler")
class SchedulerVerticleTest {

  @TempDir
  Path dataDir;

  private final CountDownLatch release = new CountDownLatch(1);
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger mostInside = new AtomicInteger();
  private final LogCapture log = LogCapture.of(SchedulerVerticle.class);
  /** A job body that holds its worker until the test releases it, recording how many runs were ever inside at once. */
  private final PeriodicJob slow = () -> {
    mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
    try {
      release.await();
    } finally {
      inside.decrementAndGet();
    }
  };

  @AfterEach
  void releaseSlowJobs() {
    release.countDown();
    log.close();
  }

  /** The scheduler's inputs alone: the config's schedules and grace, the node's readiness and its board. */
  private record Scheduling(LanesConfig config, Readiness readiness, ScheduleBoard board) {

    SchedulerVerticle scheduler(Map<String, PeriodicJob> catalog) {
      return new SchedulerVerticle("scheduler-test-node", config.schedules(), config.shutdown().graceMs(), readiness,
        board, catalog, new LocalJobLock());
    }
  }

  private static Scheduling node(Vertx vertx, Path dataDir, long graceMs, JsonObject... schedules) {
    return new Scheduling(LanesConfig.from(TestNodes.config(dataDir, new JsonObject()
      .put("schedules", new JsonArray(java.util.List.of((Object[]) schedules)))
      .put("shutdown", new JsonObject().put("graceMs", graceMs)))), new Readiness(), new ScheduleBoard());
  }

  private static JsonObject every(String name, long intervalMs) {
    return new JsonObject().put("name", name).put("intervalMs", intervalMs);
  }

  private static Future<String> deploy(Vertx vertx, Scheduling node, SchedulerVerticle scheduler) {
    return vertx.deployVerticle(scheduler, SchedulerVerticle.deploymentOptions(node.config()));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("skips (and counts) the periods a slow run overlaps, never running two at once")
  void skipsInsteadOfOverlapping(Vertx vertx, VertxTestContext testContext) {
    Scheduling node = node(vertx, dataDir, 5000, every("slow", 20));
    deploy(vertx, node, node.scheduler(Map.of("slow", slow)))
      // A second run started (queued behind the first on the job's one thread) would fail the assertion below at once.
      .compose(id -> Await.until(vertx, () -> stats(node, "slow").skippedRuns() >= 3 || stats(node, "slow").runs() > 1))
      .onComplete(testContext.succeeding(skipping -> testContext.verify(() -> {
        JobStats stats = stats(node, "slow");
        assertEquals(1, stats.runs(), "the slow run is the only one started");
        assertTrue(stats.running());
        release.countDown();
      })))
      .compose(released -> Await.until(vertx, () -> stats(node, "slow").runs() >= 3))
      .onComplete(testContext.succeeding(later -> testContext.verify(() -> {
        assertEquals(1, mostInside.get(), "two runs of one job overlapped");
        assertEquals(0, stats(node, "slow").failures());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("records a run that throws and keeps running the job")
  void recordsFailures(Vertx vertx, VertxTestContext testContext) {
    Scheduling node = node(vertx, dataDir, 5000, every("flaky", 20));
    PeriodicJob flaky = () -> {
      throw new IllegalStateException("no disk");
    };
    deploy(vertx, node, node.scheduler(Map.of("flaky", flaky)))
      .compose(id -> Await.until(vertx, () -> stats(node, "flaky").failures() >= 2).map(id))
      .onComplete(testContext.succeeding(id -> testContext.verify(() -> {
        JobStats stats = stats(node, "flaky");
        assertEquals("IllegalStateException: no disk", stats.lastError());
        assertTrue(stats.runs() >= 2);
        assertTrue(vertx.deploymentIDs().contains(id), "a failing job must not take the scheduler down");
        assertTrue(log.contains("Periodic job flaky failed: IllegalStateException: no disk"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails start-up on an unknown job name, naming its key")
  void refusesUnknownJobs(Vertx vertx, VertxTestContext testContext) {
    Scheduling node = node(vertx, dataDir, 5000, every("heartbeat", 5000), every("reindex", 5000));
    deploy(vertx, node, node.scheduler(PeriodicJobs.standard("scheduler-test-node", Lanes.from(node.config()), new BackgroundWork(), dataDir, 60_000)))
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        ConfigException error = assertInstanceOf(ConfigException.class, cause);
        assertEquals("schedules[1].name", error.key());
        assertTrue(error.problem().contains("reindex"), error.problem());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("on stop, cancels its timers and waits for the run in progress")
  void stopWaitsForTheRunningJob(Vertx vertx, VertxTestContext testContext) {
    Scheduling node = node(vertx, dataDir, 5000, every("slow", 20));
    SchedulerVerticle scheduler = node.scheduler(Map.of("slow", slow));
    deploy(vertx, node, scheduler)
      .compose(id -> Await.until(vertx, () -> stats(node, "slow").running()).map(id))
      .compose(id -> {
        Future<Void> undeployed = vertx.undeploy(id);
        Await.until(vertx, scheduler::isStopping).onSuccess(stopping -> release.countDown());
        return undeployed;
      })
      .onComplete(testContext.succeeding(stopped -> testContext.verify(() -> {
        JobStats stats = stats(node, "slow");
        assertFalse(stats.running(), "stop completed before the run in progress ended");
        assertEquals(1, stats.runs());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("on stop, gives up on a run still going at the end of the grace and names it")
  void stopNamesTheJobCutByTheGrace(Vertx vertx, VertxTestContext testContext) {
    Scheduling node = node(vertx, dataDir, 200, every("slow", 20));
    deploy(vertx, node, node.scheduler(Map.of("slow", slow)))
      .compose(id -> Await.until(vertx, () -> stats(node, "slow").running()).map(id))
      .compose(vertx::undeploy)
      .onComplete(testContext.succeeding(stopped -> testContext.verify(() -> {
        assertTrue(log.contains("Shutdown grace ran out: periodic job slow did not finish"), log.messages().toString());
        testContext.completeNow();
      })));
  }

  private static JobStats stats(Scheduling node, String job) {
    return node.board().job(job).orElseThrow();
  }
}
