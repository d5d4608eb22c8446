package io.lanes.cluster;

import io.lanes.bus.JobRequest;
import io.lanes.bus.JobStarted;
import io.lanes.support.TestNodes;
import io.lanes.support.TestNode;
import io.lanes.bus.Addresses;
import io.lanes.tasks.TaskIdInUseException;
import io.lanes.registry.Registries;
import io.lanes.registry.Registry;
import io.lanes.schedule.JobStats;
import io.lanes.support.TestClusters;
import io.lanes.tasks.TaskBody;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two clustered Vert.x in one JVM (Hazelcast on two free 127.0.0.1 ports, a cluster name of this run's own), each
 * running the real {@link MainVerticle}: an HTTP node with no compute of its own, and a compute-only node. Both run the
 * scheduler.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("A cluster of an HTTP node and a compute-only node")
class ClusterDeploymentTest {

  private static final int HTTP_MEMBER = 0;
  private static final int COMPUTE_MEMBER = 1;
  private static final long PERIOD_MS = 200;
  private static final String LOCALHOST = "127.0.0.1";

  @TempDir
  static Path dataDir;

  private static Vertx httpVertx;
  private static Vertx computeVertx;
  private static TestNode http;
  private static TestNode compute;

  private WebClient client;

  private static JsonObject conf(JsonArray roles, int computeInstances) {
    JsonObject heartbeat = new JsonObject().put("name", "heartbeat").put("intervalMs", PERIOD_MS);
    JsonObject sweeper = new JsonObject().put("name", "scratch-sweeper").put("enabled", false);
    return new JsonObject()
      .put("roles", roles)
      .put("http", new JsonObject().put("host", LOCALHOST).put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("compute", new JsonObject().put("instances", computeInstances).put("timeoutMs", 5000))
      .put("schedules", new JsonArray().add(heartbeat).add(sweeper))
      .put("shutdown", new JsonObject().put("graceMs", 1000));
  }

  private static Future<TestNode> deployMain(Vertx vertx, JsonObject conf) {
    return TestNodes.start(vertx, conf);
  }

  @BeforeAll
  static void startCluster(VertxTestContext testContext) {
    TestClusters.Members members = TestClusters.members("lanes-cluster-deployment-test", 2);
    Future<Vertx> first = members.start(HTTP_MEMBER);
    Future<Vertx> second = members.start(COMPUTE_MEMBER);
    Future.all(first, second)
      .compose(both -> {
        httpVertx = first.result();
        computeVertx = second.result();
        return deployMain(computeVertx, conf(new JsonArray().add("compute").add("scheduler"), 2));
      })
      .compose(node -> {
        compute = node;
        return deployMain(httpVertx, conf(new JsonArray().add("http").add("scheduler"), 0));
      })
      .onSuccess(node -> http = node)
      // the HTTP node's view has the compute node once both records were refreshed
      .compose(node -> until(httpVertx, () -> Future.succeededFuture(http.cluster().computeNodes()), nodes -> nodes == 1))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterAll
  static void stopCluster(VertxTestContext testContext) {
    Future.join(close(httpVertx), close(computeVertx)).onComplete(testContext.succeedingThenComplete());
  }

  private static Future<Void> close(Vertx vertx) {
    return vertx == null ? Future.succeededFuture() : vertx.close();
  }

  @BeforeEach
  void client() {
    client = WebClient.create(httpVertx);
  }

  private Future<HttpResponse<io.vertx.core.buffer.Buffer>> get(String uri) {
    return client.get(http.httpPort(), LOCALHOST, uri).send();
  }

  /** Completes with the first value of {@code read} (asked every 20 ms) that passes {@code done}. */
  private static <T> Future<T> until(Vertx vertx, Supplier<Future<T>> read, Predicate<T> done) {
    return read.get().compose(value -> done.test(value)
      ? Future.succeededFuture(value)
      : vertx.timer(20, TimeUnit.MILLISECONDS).compose(tick -> until(vertx, read, done)));
  }

  private static boolean finished(JsonObject state) {
    return state != null && Set.of("done", "failed", "timed_out").contains(state.getString("state"));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("runs a job sent to the HTTP node on the compute-only node")
  void jobRunsOnTheComputeNode(VertxTestContext testContext) {
    get("/process?n=7&iterations=1000")
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals(compute.id(), body.getString("node"));
        assertTrue(body.getString("thread").startsWith("lanes-compute"), body.getString("thread"));
        assertEquals(2997L, body.getLong("result"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("shows an async job's state the same from both nodes' registries")
  void jobStateIsClusterWide(VertxTestContext testContext) {
    JsonObject job = new JsonObject().put("type", "sum-mod").put("n", 7).put("iterations", 1000);
    client.post(http.httpPort(), LOCALHOST, "/jobs").sendJsonObject(job)
      .map(accepted -> accepted.bodyAsJsonObject().getString("id"))
      .compose(id -> until(httpVertx, () -> http.jobs().status(id), ClusterDeploymentTest::finished))
      .compose(onHttpNode -> compute.jobs().status(onHttpNode.getString("id"))
        .map(onComputeNode -> List.of(onHttpNode, onComputeNode)))
      .onComplete(testContext.succeeding(views -> testContext.verify(() -> {
        JsonObject onHttpNode = views.get(0);
        JsonObject onComputeNode = views.get(1);
        assertEquals("done", onHttpNode.getString("state"), onHttpNode.encode());
        assertEquals(compute.id(), onHttpNode.getString("node"));
        onHttpNode.remove("elapsed_ms");
        onComputeNode.remove("elapsed_ms");
        assertEquals(onHttpNode, onComputeNode);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("gets start reports from a compute node whose every instance is busy while the jobs still run")
  void startReportsArriveWhileEveryInstanceIsBusy(VertxTestContext testContext) {
    // A start address the compute node has never sent to: its first send has to look it up in the cluster.
    String startAddress = Addresses.computeStarted("test-" + UUID.randomUUID());
    List<String> events = new CopyOnWriteArrayList<>();
    MessageConsumer<JobStarted> reports = httpVertx.eventBus()
      .consumer(startAddress, report -> events.add("started " + report.body().id()));
    reports.completion()
      .compose(registered -> Future.all(busyJob("a", startAddress, events), busyJob("b", startAddress, events)))
      .eventually(reports::unregister)
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertEquals(4, events.size(), events.toString());
        assertTrue(events.get(0).startsWith("started") && events.get(1).startsWith("started"),
          "a start report came only after a job ended: " + events);
        testContext.completeNow();
      })));
  }

  /** A job for one of the compute node's two instances (~0.5-1 s here), sent as ComputeClient sends async jobs. */
  private static Future<Void> busyJob(String id, String startAddress, List<String> events) {
    long now = System.currentTimeMillis();
    JobRequest job = JobRequest.awaited("sum-mod", new JsonObject().put("n", 7).put("iterations", 400_000_000L),
      now, now + 8000, now + 8000).async(id, startAddress);
    return httpVertx.eventBus()
      .request(Addresses.COMPUTE_JOBS, job, new DeliveryOptions().setSendTimeout(9000))
      .onSuccess(reply -> events.add("answered " + id))
      .mapEmpty();
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("shows a task's state on the other node, and refuses its id there while it runs")
  void taskStateIsClusterWide(VertxTestContext testContext) {
    get("/task/4711?seconds=1")
      .compose(accepted -> {
        testContext.verify(() -> assertEquals(202, accepted.statusCode(), accepted.bodyAsString()));
        return compute.tasks().submit("4711", TaskBody.sleep(0))
          .transform(second -> Future.succeededFuture(second.cause()));
      })
      .compose(refusal -> until(computeVertx, () -> compute.tasks().state("4711"), ClusterDeploymentTest::finished)
        .map(state -> new Object[] {refusal, state}))
      .onComplete(testContext.succeeding(result -> testContext.verify(() -> {
        TaskIdInUseException refusal = assertInstanceOf(TaskIdInUseException.class, result[0]);
        assertEquals("4711", refusal.id());
        JsonObject state = (JsonObject) result[1];
        assertEquals("done", state.getString("state"), state.encode());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lists both members with their roles and the compute consumer in /health, and is ready")
  void healthListsMembers(VertxTestContext testContext) {
    get("/health")
      .compose(health -> get("/ready").map(ready -> List.of(health, ready)))
      .onComplete(testContext.succeeding(responses -> testContext.verify(() -> {
        JsonObject health = responses.get(0).bodyAsJsonObject();
        JsonObject cluster = health.getJsonArray("checks").stream()
          .map(JsonObject.class::cast)
          .filter(check -> "cluster".equals(check.getString("id")))
          .findFirst().orElseThrow(() -> new AssertionError("no cluster check: " + health.encode()))
          .getJsonObject("data");
        assertEquals(2, cluster.getInteger("members"), cluster.encode());
        assertEquals(1, cluster.getInteger("computeNodes"), cluster.encode());
        assertEquals(2, cluster.getInteger("computeInstances"), cluster.encode());
        JsonObject computeRecord = cluster.getJsonArray("nodes").stream()
          .map(JsonObject.class::cast)
          .filter(node -> compute.id().equals(node.getString("id")))
          .findFirst().orElseThrow();
        assertEquals(new JsonArray().add("compute").add("scheduler"), computeRecord.getJsonArray("roles"));
        assertNull(computeRecord.getValue("httpPort"), "a compute-only node has no HTTP port");
        assertEquals(200, responses.get(1).statusCode(), responses.get(1).bodyAsString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("runs a periodic job on one node per period, never on both, and both nodes name the node that ran it")
  void periodicJobRunsOncePerPeriod(VertxTestContext testContext) {
    long firstPeriod = System.currentTimeMillis() / PERIOD_MS;
    Map<String, Long> runsBefore = Map.of(http.id(), stats(http).runs(), compute.id(), stats(compute).runs());
    httpVertx.timer(12 * PERIOD_MS, TimeUnit.MILLISECONDS)
      .compose(waited -> {
        testContext.verify(() -> {
          long runs = heartbeatRuns() - runsBefore.values().stream().mapToLong(Long::longValue).sum();
          // The window touches this many periods; one run more may belong to the period before it: claimed then, but
          // counted (started) only after the window opened, on a busy machine. Two nodes each running every period
          // would give twice as many.
          long periods = System.currentTimeMillis() / PERIOD_MS - firstPeriod + 1;
          assertTrue(runs <= periods + 1, runs + " runs in " + periods + " periods: some period ran on both nodes");
          assertTrue(runs >= periods / 2, "only " + runs + " runs in " + periods + " periods");
        });
        return agreedOwner(10 * PERIOD_MS);
      })
      .onComplete(testContext.succeeding(agreed -> testContext.verify(() -> {
        assertTrue(runsBefore.containsKey(agreed.owner()), "the owner both name is neither node: " + agreed);
        TestNode owner = agreed.owner().equals(http.id()) ? http : compute;
        assertTrue(stats(owner).runs() > runsBefore.get(owner.id()),
          "both name " + owner.id() + " as the owner, but it ran nothing during the window: " + agreed);
        // the owner ran one of the latest periods itself (its tick in this period may be still to come; slack for lag)
        long lastRunPeriod = Instant.parse(agreed.ownerStats().getString("last_started_at")).toEpochMilli() / PERIOD_MS;
        long periodsSince = agreed.atMs() / PERIOD_MS - lastRunPeriod;
        assertTrue(periodsSince <= 2, "the owner's last run was " + periodsSince + " periods ago: " + agreed);
        testContext.completeNow();
      })));
  }

  /** The owner of the heartbeat's last run as each node's {@link JobStats} tells it, and the stats of the first's. */
  private record AgreedOwner(String onHttp, String onCompute, JsonObject ownerStats, long atMs) {
    String owner() {
      return onHttp;
    }
  }

  /**
   * The first moment (asked every 20 ms) when both nodes name the same owner of the heartbeat's last run; fails when
   * they have not agreed within {@code withinMs}. Right after the owner changes hands they may differ for part of a period.
   */
  private static Future<AgreedOwner> agreedOwner(long withinMs) {
    long deadline = System.currentTimeMillis() + withinMs;
    Supplier<Future<AgreedOwner>> read = () -> {
      String onHttp = stats(http).owner();
      String onCompute = stats(compute).owner();
      JsonObject ownerStats = stats(onHttp.equals(http.id()) ? http : compute).toJson();
      return Future.succeededFuture(new AgreedOwner(onHttp, onCompute, ownerStats, System.currentTimeMillis()));
    };
    return until(httpVertx, read, agreed -> agreed.onHttp().equals(agreed.onCompute()) || agreed.atMs() > deadline)
      .compose(agreed -> agreed.onHttp().equals(agreed.onCompute())
        ? Future.succeededFuture(agreed)
        : Future.failedFuture(new AssertionError("the nodes never agreed on the heartbeat's owner within " + withinMs
          + " ms: " + agreed)));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps registry entries cluster-wide: compare-and-set across nodes, terminal ones for their retention")
  void clusterRegistry(VertxTestContext testContext) {
    Set<String> terminal = Set.of("done");
    Registry onHttp = Registries.cluster(httpVertx, Clustering.hazelcast(httpVertx), "lanes.test.registry", 300, 60_000,
      terminal);
    Registry onCompute = Registries.cluster(computeVertx, Clustering.hazelcast(computeVertx), "lanes.test.registry", 300,
      60_000, terminal);
    JsonObject queued = new JsonObject().put("state", "queued");
    JsonObject running = new JsonObject().put("state", "running");
    JsonObject done = new JsonObject().put("state", "done");
    onHttp.putIfAbsent("a", queued)
      .compose(stored -> {
        testContext.verify(() -> assertNull(stored));
        return onCompute.putIfAbsent("a", running);
      })
      .compose(existing -> {
        testContext.verify(() -> assertEquals(queued, existing));
        return onCompute.replace("a", existing, running);
      })
      .compose(replaced -> {
        testContext.verify(() -> assertTrue(replaced));
        return onHttp.replace("a", queued, done);
      })
      .compose(stale -> {
        testContext.verify(() -> assertFalse(stale, "replaced a state that had changed"));
        return onHttp.replace("a", running, done);
      })
      .compose(replaced -> onCompute.get("a").map(state -> {
        testContext.verify(() -> assertEquals(done, state));
        return replaced;
      }))
      // a terminal state set by compare-and-set still expires after its retention
      .compose(replaced -> until(computeVertx, () -> onCompute.get("a"), state -> state == null))
      .onComplete(testContext.succeedingThenComplete());
  }

  private static long heartbeatRuns() {
    return stats(http).runs() + stats(compute).runs();
  }

  private static JobStats stats(TestNode node) {
    JobStats stats = node.schedules().job("heartbeat").orElse(null);
    assertNotNull(stats);
    return stats;
  }
}
