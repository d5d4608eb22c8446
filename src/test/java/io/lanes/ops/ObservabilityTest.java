package io.lanes.ops;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.lanes.support.BlocksEventLoopOnPurpose;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
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

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Observability")
class ObservabilityTest {

  @TempDir
  Path dataDir;

  private Vertx oneLoop;
  private WebClient client;

  @AfterEach
  void closeOwnVertx() {
    if (oneLoop != null) {
      oneLoop.close().await();
    }
  }

  /** A Vert.x with a single event loop and a fast blocked-thread checker: what a test blocks, the probe sees. */
  private Vertx oneLoop() {
    oneLoop = Vertx.vertx(new VertxOptions()
      .setEventLoopPoolSize(1)
      .setBlockedThreadCheckInterval(100).setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
      .setMaxEventLoopExecuteTime(50).setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS));
    return oneLoop;
  }

  private static void spinOnTheLoop(long millis) {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    while (System.nanoTime() < end) {
      Thread.onSpinWait();
    }
  }

  private Future<HttpResponse<Buffer>> get(TestNode node, String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("exposes the lanes meters on /metrics after matching traffic")
  void exposesNamedMeters(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("blocking", new JsonObject().put("poolSize", 1).put("queueLimit", 0))));
    client = WebClient.create(vertx);
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        Future<HttpResponse<Buffer>> admitted = get(node, "/sync?seconds=0.3");
        return Await.until(vertx, () -> node.lanes().blocking().inFlight() == 1)
          .compose(v -> get(node, "/sync?seconds=0.3"))
          .compose(refused -> admitted);
      })
      .compose(done -> get(node, "/fetch-data"))
      .compose(done -> get(node, "/metrics"))
      .onComplete(testContext.succeeding(metrics -> testContext.verify(() -> {
        assertEquals(200, metrics.statusCode());
        String text = metrics.bodyAsString();
        assertTrue(text.contains("lanes_lane_admitted_total{lane=\"blocking\"} 1.0"), text);
        assertTrue(text.contains("lanes_lane_rejected_total{lane=\"blocking\"} 1.0"), text);
        assertTrue(text.contains("lanes_lane_in_flight{lane=\"blocking\"} 0.0"), text);
        assertTrue(text.contains("lanes_event_loop_lag_seconds_count{loop=\"vert.x-eventloop-thread-"), text);
        assertTrue(text.contains("lanes_blocked_thread_events_total"), text);
        assertTrue(text.contains("lanes_background_pending 0.0"), text);
        assertTrue(text.contains("lanes_tasks{state=\"running\"} 0.0"), text);
        assertTrue(text.contains("lanes_lane_admitted_total{lane=\"tasks\"}"), text);
        assertTrue(text.contains("lanes_jobs{state=\"queued\"} 0.0"), text);
        assertTrue(text.contains("lanes_lane_in_flight{lane=\"compute\"} 0.0"), text);
        assertTrue(text.contains("lanes_lane_in_flight{lane=\"files\"} 0.0"), text);
        assertTrue(text.contains("jvm_memory_used_bytes"), text);
        assertTrue(text.contains("lanes_fanout_upstream_seconds_count{outcome=\"ok\""), text);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("reports event-loop lag when a loop is blocked on purpose")
  @BlocksEventLoopOnPurpose("the probe must see a loop blocked for 400 ms")
  void reportsLag(VertxTestContext testContext) {
    Vertx vertx = oneLoop();
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("ops", new JsonObject().put("eventLoops", 1).put("lagProbeIntervalMs", 20).put("lagThresholdMs", 150))));
    TestNodes.deploy(vertx, node)
      .compose(id -> Await.until(vertx, () -> node.ops().registry().find("lanes.event.loop.lag").timer().count() >= 5))
      .compose(v -> {
        vertx.runOnContext(block -> spinOnTheLoop(400));
        // The meter itself must record the late tick (not only the probe's "overdue since the last tick" view).
        return Await.until(vertx, () -> node.ops().worstLagMillis() >= 300
          && node.ops().registry().find("lanes.event.loop.lag").timer().max(TimeUnit.MILLISECONDS) >= 300);
      })
      .compose(v -> node.health().checkStatus("event-loop-lag"))
      .onComplete(testContext.succeeding(status -> testContext.verify(() -> {
        assertEquals(false, status.getUp(), "health reports the lag: " + status.getData());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("counts a blocked-thread event from Vert.x's checker")
  @BlocksEventLoopOnPurpose("the counter must see a loop blocked for 400 ms")
  void countsBlockedThreads(VertxTestContext testContext) {
    Vertx vertx = oneLoop();
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()));
    long[] before = new long[1];
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        before[0] = node.ops().blockedThreadEvents();
        vertx.runOnContext(block -> spinOnTheLoop(400));
        return Await.until(vertx, () -> node.ops().blockedThreadEvents() > before[0]);
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("reads each loop's lag of the last second and its own blocked-thread warnings, for the dashboard")
  @BlocksEventLoopOnPurpose("the loop's reading must show it blocked for 400 ms")
  void readsEachLoop(VertxTestContext testContext) {
    Vertx vertx = oneLoop();
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("ops", new JsonObject().put("eventLoops", 1).put("lagProbeIntervalMs", 20))));
    long[] blockedBefore = new long[1];
    TestNodes.deploy(vertx, node)
      .compose(id -> Await.until(vertx, () -> node.ops().loopReadings().size() == 1
        && node.ops().loopReadings().get(0).lagNanos() < TimeUnit.MILLISECONDS.toNanos(100)))
      .compose(v -> {
        blockedBefore[0] = node.ops().loopReadings().get(0).blockedEvents();
        vertx.runOnContext(block -> spinOnTheLoop(400));
        return Await.until(vertx, () -> node.ops().loopReadings().get(0).lagNanos() >= TimeUnit.MILLISECONDS.toNanos(300)
          && node.ops().loopReadings().get(0).blockedEvents() > blockedBefore[0]);
      })
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        LoopReading loop = node.ops().loopReadings().get(0);
        assertTrue(loop.loop().startsWith("vert.x-eventloop-thread-"), loop.loop());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("counts the blocked loop of a large /write_bad (demo on)")
  @BlocksEventLoopOnPurpose("the event-loop write mode is the anti-pattern demo")
  void writeBadRaisesBlockedThreadEvents(VertxTestContext testContext) {
    Vertx vertx = oneLoop();
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("demo", new JsonObject().put("allowEventLoopBlocking", true))
      .put("files", new JsonObject().put("fsync", true))));
    client = WebClient.create(vertx);
    long[] before = new long[1];
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        before[0] = node.ops().blockedThreadEvents();
        get(node, "/write_bad?bytes=" + (256 * 1024 * 1024));
        return Await.until(vertx, () -> node.ops().blockedThreadEvents() > before[0]);
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("turns health DOWN with the lanes check once a lane refuses work for ops.laneSaturatedMs, and UP after")
  void healthReportsASaturatedLane(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("blocking", new JsonObject().put("poolSize", 1).put("queueLimit", 0))
      // Only the lanes check is looked at; a loop lagging on this busy machine must not turn /health DOWN first.
      .put("ops", new JsonObject().put("laneSaturatedMs", 200).put("lagThresholdMs", 600_000))));
    client = WebClient.create(vertx);
    Future<HttpResponse<Buffer>>[] holding = new Future[1];
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        holding[0] = get(node, "/sync?seconds=2");
        return Await.until(vertx, () -> node.lanes().blocking().inFlight() == 1);
      })
      .compose(full -> get(node, "/sync?seconds=2"))
      .compose(refused -> {
        testContext.verify(() -> assertEquals(503, refused.statusCode(), "the lane has no room: " + refused.bodyAsString()));
        return get(node, "/health");
      })
      .compose(notYet -> {
        testContext.verify(() -> assertEquals("UP", lanesCheck(notYet).getString("status"),
          "refusing for less than laneSaturatedMs is not saturated: " + notYet.bodyAsString()));
        return lanesUntil(vertx, node, "DOWN");
      })
      .compose(down -> {
        testContext.verify(() -> {
          JsonObject lanes = lanesCheck(down);
          assertEquals("DOWN", lanes.getString("status"), down.bodyAsString());
          JsonObject blocking = lanes.getJsonObject("data").getJsonObject("blocking");
          assertEquals(true, blocking.getBoolean("saturated"));
          assertEquals(1, blocking.getInteger("inFlight"));
          assertTrue(blocking.getLong("refusingForMs") >= 200, blocking.encode());
          assertEquals(false, lanes.getJsonObject("data").getJsonObject("files").getBoolean("saturated"));
        });
        return holding[0];
      })
      // Room again once the holder is done, even with no request admitted since: UP.
      .compose(done -> lanesUntil(vertx, node, "UP"))
      .onComplete(testContext.succeeding(up -> testContext.verify(() -> {
        assertEquals("UP", lanesCheck(up).getString("status"));
        testContext.completeNow();
      })));
  }

  /** Polls {@code /health} every 20 ms until its {@code lanes} check is {@code status}. */
  private Future<HttpResponse<Buffer>> lanesUntil(Vertx vertx, TestNode node, String status) {
    return get(node, "/health").compose(health -> status.equals(lanesCheck(health).getString("status"))
      ? Future.succeededFuture(health)
      : vertx.timer(20, TimeUnit.MILLISECONDS).compose(v -> lanesUntil(vertx, node, status)));
  }

  private static JsonObject lanesCheck(HttpResponse<Buffer> health) {
    return health.bodyAsJsonObject().getJsonArray("checks").stream()
      .map(JsonObject.class::cast).filter(c -> "lanes".equals(c.getString("id"))).findFirst().orElseThrow();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("turns health DOWN when the data dir is not writable, and UP again when it is back")
  void healthFollowsTheDataDir(Vertx vertx, VertxTestContext testContext) throws IOException {
    Path dir = Files.createDirectory(dataDir.resolve("data"));
    TestNode node = TestNodes.node(vertx, TestNodes.config(dir, new JsonObject()));
    client = WebClient.create(vertx);
    TestNodes.deploy(vertx, node)
      .compose(id -> get(node, "/health"))
      .compose(up -> {
        testContext.verify(() -> assertEquals(200, up.statusCode(), up.bodyAsString()));
        return vertx.fileSystem().delete(dir.toString()).compose(v -> vertx.fileSystem().writeFile(dir.toString(), Buffer.buffer("x")));
      })
      .compose(v -> get(node, "/health"))
      .compose(down -> {
        testContext.verify(() -> {
          assertEquals(503, down.statusCode(), down.bodyAsString());
          JsonObject check = down.bodyAsJsonObject().getJsonArray("checks").stream()
            .map(JsonObject.class::cast).filter(c -> "data-dir".equals(c.getString("id"))).findFirst().orElseThrow();
          assertEquals("DOWN", check.getString("status"));
        });
        return vertx.fileSystem().delete(dir.toString()).compose(v -> vertx.fileSystem().mkdir(dir.toString()));
      })
      .compose(v -> get(node, "/health"))
      .onComplete(testContext.succeeding(upAgain -> testContext.verify(() -> {
        assertEquals(200, upAgain.statusCode(), upAgain.bodyAsString());
        testContext.completeNow();
      })));
  }
}
