package io.lanes.cluster;

import io.lanes.schedule.HeartbeatJob;
import io.lanes.schedule.JobStats;
import io.lanes.support.TestClusters;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Clustered Vert.x in one JVM with the split-brain protection of {@code conf/cluster.xml} at a minimum of two members:
 * a node left alone cannot tell a dead peer from a cut cable, so it claims no period, says so in {@code /schedules} and
 * {@code /health}, and resumes once a second member is there. (A real silent partition is {@code scripts/cluster
 * selftest --hosts}.)
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Periodic jobs under split-brain protection")
class SplitBrainProtectionTest {

  private static final long PERIOD_MS = 200;
  private static final int MAJORITY = 2;

  @TempDir
  Path dataDir;

  private final List<Vertx> vertx = new CopyOnWriteArrayList<>();
  /** Each member's Vert.x by its index (the list above is in the order they finished starting, which varies). */
  private final Vertx[] byIndex = new Vertx[3];
  private WebClient client;

  private JsonObject conf(String... roles) {
    JsonObject heartbeat = new JsonObject().put("name", HeartbeatJob.NAME).put("intervalMs", PERIOD_MS);
    JsonObject sweeper = new JsonObject().put("name", "scratch-sweeper").put("enabled", false);
    return TestNodes.config(dataDir, new JsonObject()
      .put("roles", new JsonArray(List.of((Object[]) roles)))
      .put("compute", new JsonObject().put("instances", 0))
      .put("schedules", new JsonArray().add(heartbeat).add(sweeper))
      .put("shutdown", new JsonObject().put("graceMs", 500)));
  }

  private Future<TestNode> member(TestClusters.Members members, int index, String... roles) {
    return TestClusters.start(TestClusters.protectSchedules(members.hazelcast(index), MAJORITY))
      .compose(started -> {
        vertx.add(started);
        byIndex[index] = started;
        return TestNodes.start(started, conf(roles));
      });
  }

  @AfterEach
  void stop(VertxTestContext testContext) {
    Future.join(vertx.stream().map(member -> member.close().recover(e -> Future.succeededFuture())).toList())
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("pauses on a node left alone, says why in /schedules and /health, and resumes when a member joins")
  void aLoneNodePausesAndResumes(Vertx driver, VertxTestContext testContext) {
    TestClusters.Members members = TestClusters.members("lanes-split-brain-protection-test", 3);
    TestNode[] survivor = new TestNode[1];
    long[] runsWhenPaused = new long[1];
    Future.all(member(members, 0, "http", "scheduler"), member(members, 1, "scheduler"))
      .compose(both -> {
        survivor[0] = both.resultAt(0);
        client = WebClient.create(driver);
        TestNode other = both.resultAt(1);
        return within(driver, 10_000, () -> stats(survivor[0]).runs() + stats(other).runs() > 2);
      })
      .compose(ran -> byIndex[1].close())
      .compose(closed -> within(driver, 10_000, () -> stats(survivor[0]).pausedReason() != null))
      .compose(paused -> {
        runsWhenPaused[0] = stats(survivor[0]).runs();
        return driver.timer(6 * PERIOD_MS, TimeUnit.MILLISECONDS);
      })
      .compose(waited -> Future.all(get(survivor[0], "/schedules"), get(survivor[0], "/health")))
      .compose(answers -> {
        testContext.verify(() -> {
          assertEquals(runsWhenPaused[0], stats(survivor[0]).runs(), "a period ran while paused");
          JsonObject heartbeat = answers.<HttpResponse<Buffer>>resultAt(0).bodyAsJsonObject()
            .getJsonArray("schedules").getJsonObject(0);
          assertNotNull(heartbeat.getString("paused"), heartbeat.encode());
          assertTrue(heartbeat.getString("paused").contains("needs " + MAJORITY), heartbeat.encode());
          JsonObject quorum = cluster(answers.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject()).getJsonObject("quorum");
          assertNotNull(quorum, "no quorum in /health");
          assertFalse(quorum.getBoolean("present"), quorum.encode());
          assertEquals(MAJORITY, quorum.getInteger("needed"));
        });
        return member(members, 2, "scheduler");
      })
      .compose(joined -> within(driver, 15_000, () -> stats(survivor[0]).pausedReason() == null))
      .onComplete(testContext.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> get(TestNode node, String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  private static JsonObject cluster(JsonObject health) {
    return health.getJsonArray("checks").stream()
      .map(JsonObject.class::cast)
      .filter(check -> "cluster".equals(check.getString("id")))
      .findFirst().orElseThrow(() -> new AssertionError("no cluster check: " + health.encode()))
      .getJsonObject("data");
  }

  private static JobStats stats(TestNode node) {
    return node.schedules().job(HeartbeatJob.NAME).orElseThrow();
  }

  /** Completes once {@code done} holds (asked every 20 ms); fails after {@code ms}. */
  private static Future<Void> within(Vertx on, long ms, BooleanSupplier done) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    return poll(on, deadline, done);
  }

  private static Future<Void> poll(Vertx on, long deadline, BooleanSupplier done) {
    if (done.getAsBoolean()) {
      return Future.succeededFuture();
    }
    if (System.nanoTime() > deadline) {
      return Future.failedFuture(new AssertionError("not within the time"));
    }
    return on.timer(20, TimeUnit.MILLISECONDS).compose(tick -> poll(on, deadline, done));
  }
}
