package io.lanes.schedule;

import io.lanes.config.LanesConfig;
import io.lanes.lifecycle.Readiness;
import io.lanes.cluster.ClusterJobLock;
import io.lanes.support.TestClusters;
import io.lanes.support.TestNodes;
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
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clustered Vert.x in one JVM (Hazelcast on free 127.0.0.1 ports, a cluster of this test's own), each running a
 * {@link SchedulerVerticle} with the real {@link ClusterJobLock} and one job whose run takes 2.5 periods. Here, in the
 * scheduler's package, because the job body is injected through its package-private constructor.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A periodic job whose run outlasts its period, on two clustered nodes")
class ClusterRunLockTest {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterRunLockTest.class);
  private static final String JOB = "slow";
  private static final long PERIOD_MS = 200;
  private static final long RUN_MS = PERIOD_MS * 5 / 2;
  private static final int WINDOW_PERIODS = 12;

  @TempDir
  Path dataDir;

  private final List<Vertx> vertx = new ArrayList<>();
  private final List<SchedulerNode> nodes = new ArrayList<>();
  /** Every run on either node, in the order they started. */
  private final List<Run> runs = new CopyOnWriteArrayList<>();
  private final AtomicInteger inside = new AtomicInteger();
  private final AtomicInteger mostInside = new AtomicInteger();
  private long firstPeriod;
  private long startedNanos;

  /** One run of the job: where, and when it started and ended ({@link System#nanoTime}; one JVM, one clock). */
  private final class Run {
    final String node;
    final long startNanos;
    /** 0 while the run is going. */
    volatile long endNanos;

    Run(String node, long startNanos) {
      this.node = node;
      this.startNanos = startNanos;
    }

    long endOrNever() {
      return endNanos == 0 ? Long.MAX_VALUE : endNanos;
    }

    @Override
    public String toString() {
      return node + " [" + sinceStart(startNanos) + ", " + (endNanos == 0 ? "running" : sinceStart(endNanos)) + "] ms";
    }
  }

  /** Sleeps 2.5 periods: the scheduler's worker is the job's, blocking it is what a slow job does. */
  private PeriodicJob slowOn(String node) {
    return () -> {
      Run run = new Run(node, System.nanoTime());
      runs.add(run);
      mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
      try {
        Thread.sleep(RUN_MS);
      } finally {
        inside.decrementAndGet();
        run.endNanos = System.nanoTime();
      }
    };
  }

  @BeforeEach
  void startCluster(VertxTestContext testContext) {
    TestClusters.Members members = TestClusters.members("lanes-cluster-run-lock-test", 2);
    Future<Vertx> first = members.start(0);
    Future<Vertx> second = members.start(1);
    Future.all(first, second)
      .compose(both -> {
        vertx.add(first.result());
        vertx.add(second.result());
        firstPeriod = System.currentTimeMillis() / PERIOD_MS;
        startedNanos = System.nanoTime();
        return Future.all(deployScheduler(first.result()), deployScheduler(second.result()));
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  private Future<String> deployScheduler(Vertx on) {
    JsonObject slow = new JsonObject().put("name", JOB).put("intervalMs", PERIOD_MS);
    LanesConfig config = LanesConfig.from(TestNodes.config(dataDir, new JsonObject()
      .put("roles", new JsonArray().add("scheduler"))
      .put("schedules", new JsonArray().add(slow))
      .put("shutdown", new JsonObject().put("graceMs", 2 * RUN_MS))));
    SchedulerNode node = new SchedulerNode("run-lock-node-" + nodes.size(), new ScheduleBoard());
    nodes.add(node);
    SchedulerVerticle scheduler = new SchedulerVerticle(node.id(), config.schedules(), config.shutdown().graceMs(),
      new Readiness(), node.schedules(), Map.of(JOB, slowOn(node.id())), new ClusterJobLock(on, node.id()));
    return on.deployVerticle(scheduler, SchedulerVerticle.deploymentOptions(config));
  }

  /** A scheduler's identity in the cluster and the board it records into. */
  private record SchedulerNode(String id, ScheduleBoard schedules) {
  }

  @AfterEach
  void stopCluster(VertxTestContext testContext) {
    Future.join(vertx.stream().map(Vertx::close).toList()).onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("never overlaps two runs across the nodes: the periods a run covers are skipped or refused elsewhere")
  void runsNeverOverlapAcrossNodes(Vertx driver, VertxTestContext testContext) {
    driver.timer(WINDOW_PERIODS * PERIOD_MS, TimeUnit.MILLISECONDS)
      .onComplete(testContext.succeeding(waited -> testContext.verify(() -> {
        long periods = System.currentTimeMillis() / PERIOD_MS - firstPeriod + 1;
        List<Run> started = runs.stream().sorted(Comparator.comparingLong(run -> run.startNanos)).toList();
        assertTrue(started.size() >= 2, "too few runs to tell whether they overlap: " + started);
        for (int i = 1; i < started.size(); i++) {
          Run earlier = started.get(i - 1);
          Run later = started.get(i);
          assertTrue(earlier.endOrNever() <= later.startNanos, "runs overlap: " + earlier + " and " + later);
        }
        assertEquals(1, mostInside.get(), "runs of one job were going at the same time: " + started);
        long skipped = stats(0).skippedRuns() + stats(1).skippedRuns();
        assertTrue(skipped > 0, "no period was skipped although every run outlasts two: " + stats(0).toJson()
          + " / " + stats(1).toJson());
        assertTrue(started.size() <= periods / 2, started.size() + " runs in " + periods + " periods of "
          + PERIOD_MS + " ms, each run " + RUN_MS + " ms: " + started);
        LOG.info("{} runs in {} periods, {} skipped where they ran: {}", started.size(), periods, skipped, started);
        testContext.completeNow();
      })));
  }

  /** Milliseconds from the schedulers' deployment to {@code nanos}. */
  private long sinceStart(long nanos) {
    return TimeUnit.NANOSECONDS.toMillis(nanos - startedNanos);
  }

  private JobStats stats(int node) {
    return nodes.get(node).schedules().job(JOB).orElseThrow(() -> new AssertionError("no job " + JOB + " on node " + node));
  }
}
