package io.lanes.cluster;

import com.hazelcast.config.Config;
import io.lanes.support.TestClusters;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.lanes.tasks.TaskBody;
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
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three clustered Vert.x in one JVM, each running the real {@code MainVerticle}: two HTTP nodes (no compute of their
 * own) and a compute-only node. A member dies abruptly (its Hazelcast terminated: no leave message, no migration, as
 * under {@code kill -9}) with work in flight; the survivors must not leave that work "running". A fresh cluster per test.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("When a member dies with work in flight")
class MemberLeavesTest {

  private static final Logger LOG = LoggerFactory.getLogger(MemberLeavesTest.class);
  /** The promise: failed within the failure detection time + 2 s; measured from when the survivor notices. */
  private static final long AFTER_DETECTION_MS = 2000;
  /** Long enough that only a departure, not the deadline, can end the job during the test. */
  private static final long JOB_TIMEOUT_MS = 12_000;
  private static final JsonObject LONG_JOB = new JsonObject().put("n", 7).put("iterations", 1_000_000_000_000L);
  private static final String TASK = "4242";

  @TempDir
  Path dataDir;

  private final List<Vertx> vertx = new ArrayList<>();
  private TestNode httpA;
  private TestNode httpB;
  private TestNode compute;

  private JsonObject conf(String... roles) {
    return TestNodes.config(dataDir, new JsonObject()
      .put("roles", new JsonArray(List.of((Object[]) roles)))
      .put("compute", new JsonObject().put("instances", List.of(roles).contains("compute") ? 2 : 0)
        .put("timeoutMs", JOB_TIMEOUT_MS).put("maxIterations", 2_000_000_000_000L))
      .put("tasks", new JsonObject().put("maxSeconds", 60))
      .put("shutdown", new JsonObject().put("graceMs", 500)));
  }

  @BeforeEach
  void startCluster(VertxTestContext testContext) {
    TestClusters.Members members = TestClusters.members("lanes-member-leaves-test", 3);
    List<Future<Vertx>> started = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Config hazelcast = members.hazelcast(i);
      // notice a silent member within seconds, as conf/cluster.xml does (a terminated one is noticed sooner)
      hazelcast.setProperty("hazelcast.heartbeat.interval.seconds", "1");
      hazelcast.setProperty("hazelcast.max.no.heartbeat.seconds", "5");
      started.add(TestClusters.start(hazelcast));
    }
    Future.all(started)
      .compose(all -> {
        started.forEach(member -> vertx.add(member.result()));
        return TestNodes.start(vertx.get(2), conf("compute"));
      })
      .compose(node -> {
        compute = node;
        return Future.all(TestNodes.start(vertx.get(0), conf("http", "files")),
          TestNodes.start(vertx.get(1), conf("http", "files")));
      })
      .compose(both -> {
        httpA = both.resultAt(0);
        httpB = both.resultAt(1);
        return until(() -> httpA.cluster().members().size() == 3 && httpB.cluster().members().size() == 3, 20_000,
          "the three nodes do not see each other");
      })
      // every partition has its backup before a member dies, as in a cluster that has been up for a while (Hazelcast
      // asks the other members: a blocking call, so on a worker)
      .compose(seen -> vertx.get(1).executeBlocking(() -> {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!vertx.stream().allMatch(member -> Clustering.hazelcast(member).getPartitionService().isClusterSafe())) {
          if (System.nanoTime() > deadline) {
            throw new AssertionError("the partitions are not backed up after 20 s");
          }
          Thread.sleep(50);
        }
        return null;
      }, false))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void stopCluster(VertxTestContext testContext) {
    Future.join(vertx.stream().map(member -> member.close().recover(e -> Future.succeededFuture())).toList())
      .onComplete(testContext.succeedingThenComplete());
  }

  /** Kills a member as {@code kill -9} would: its Hazelcast stops at once, without leaving the cluster. */
  private static void die(TestNode node, Vertx member) {
    LOG.info("Terminating the Hazelcast member of node {}", node.id());
    Clustering.hazelcast(member).getLifecycleService().terminate();
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an HTTP node's task and async job are failed by a survivor, the task's id freed, the job's start kept")
  void aDeadHttpNodesTaskAndJobAreFailed(VertxTestContext testContext) {
    String[] jobId = new String[1];
    long[] noticedAt = new long[1];
    httpA.tasks().submit(TASK, TaskBody.sleep(50_000))
      .compose(queued -> httpA.jobs().submit("sum-mod", LONG_JOB))
      .compose(id -> {
        jobId[0] = id;
        return Future.all(stateOn(httpB, () -> httpB.tasks().state(TASK), "running"),
          stateOn(httpB, () -> httpB.jobs().status(id), "running"));
      })
      .compose(running -> {
        die(httpA, vertx.get(0));
        return until(() -> !httpB.cluster().isLive(httpA.id()), 15_000, "the survivor never noticed the death");
      })
      .compose(noticed -> {
        noticedAt[0] = System.nanoTime();
        return Future.all(stateOn(httpB, () -> httpB.tasks().state(TASK), "failed"),
          stateOn(httpB, () -> httpB.jobs().status(jobId[0]), "failed"));
      })
      .compose(failed -> {
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - noticedAt[0]);
        LOG.info("Task and job of the dead node failed {} ms after the survivor noticed", afterMs);
        testContext.verify(() -> {
          assertTrue(afterMs <= AFTER_DETECTION_MS, "failed " + afterMs + " ms after the death was noticed");
          String left = "node " + httpA.id() + " left the cluster";
          JsonObject task = failed.resultAt(0);
          JsonObject job = failed.resultAt(1);
          assertEquals(left, task.getString("error"), task.encode());
          assertEquals(left, job.getString("error"), job.encode());
          assertNotNull(task.getValue("started_at"), task.encode());
          assertNotNull(job.getValue("started_at"), "the job lost its start: " + job.encode());
          assertNotNull(job.getValue("finished_at"), job.encode());
        });
        // the id is free again: a survivor takes it
        return httpB.tasks().submit(TASK, TaskBody.sleep(0));
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a job running on a compute node that dies is failed by its HTTP node long before its deadline")
  void aDeadComputeNodesJobIsFailedBeforeItsDeadline(VertxTestContext testContext) {
    long[] noticedAt = new long[1];
    long submittedAt = System.nanoTime();
    httpB.jobs().submit("sum-mod", LONG_JOB)
      .compose(id -> stateOn(httpB, () -> httpB.jobs().status(id), "running"))
      .compose(running -> {
        die(compute, vertx.get(2));
        return until(() -> !httpB.cluster().isLive(compute.id()), 15_000, "the HTTP node never noticed the death")
          .map(running.getString("id"));
      })
      .compose(id -> {
        noticedAt[0] = System.nanoTime();
        return stateOn(httpB, () -> httpB.jobs().status(id), "failed");
      })
      .onComplete(testContext.succeeding(job -> testContext.verify(() -> {
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - noticedAt[0]);
        long sinceSubmitMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submittedAt);
        assertTrue(afterMs <= AFTER_DETECTION_MS, "failed " + afterMs + " ms after the death was noticed");
        assertTrue(sinceSubmitMs < JOB_TIMEOUT_MS, "ended only at the deadline");
        assertEquals("node " + compute.id() + " left the cluster", job.getString("error"), job.encode());
        assertEquals(compute.id(), job.getString("node"));
        assertNotNull(job.getValue("started_at"), job.encode());
        testContext.completeNow();
      })));
  }

  /** The first state of {@code read} (asked every 50 ms) whose {@code state} is {@code wanted}; fails after 20 s. */
  private Future<JsonObject> stateOn(TestNode node, Supplier<Future<JsonObject>> read, String wanted) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    Predicate<JsonObject> reached = state -> state != null && wanted.equals(state.getString("state"));
    return poll(read, reached, deadline, () -> "never " + wanted + " on " + node.id());
  }

  private Future<JsonObject> poll(Supplier<Future<JsonObject>> read, Predicate<JsonObject> reached, long deadline,
                                  Supplier<String> what) {
    return read.get().compose(state -> {
      if (reached.test(state)) {
        return Future.succeededFuture(state);
      }
      if (System.nanoTime() > deadline) {
        return Future.failedFuture(new AssertionError(what.get() + ", last " + state));
      }
      return vertx.get(1).timer(50, TimeUnit.MILLISECONDS).compose(tick -> poll(read, reached, deadline, what));
    });
  }

  private Future<Void> until(BooleanSupplier condition, long ms, String what) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    return untilNanos(condition, deadline, what);
  }

  private Future<Void> untilNanos(BooleanSupplier condition, long deadline, String what) {
    if (condition.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(new AssertionError(what));
    }
    return vertx.get(1).timer(20, TimeUnit.MILLISECONDS).compose(tick -> untilNanos(condition, deadline, what));
  }
}
