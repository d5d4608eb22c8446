package io.lanes.compute;

import io.lanes.support.TestNode;
import io.lanes.config.LanesConfig;
import io.lanes.support.Await;
import io.lanes.support.TestNodes;
import io.lanes.support.Threads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The compute routes")
class ComputeRoutesTest {

  /** Counts only the threads this test starts. */
  private final Threads threads = Threads.startedFromNow();

  private static final String POOL_THREADS = LanesConfig.Compute.POOL_NAME;
  /** The frame of the sum-mod loop: a thread inside it is computing. */
  private static final String SUM_MOD_FRAME = "SumModJob.sumMod";
  /**
   * Minutes of CPU (maxIterations is raised for it): only a deadline stops it within a test's timeout, so a test that
   * waits for it to end fails if jobs stop checking their deadline.
   */
  private static final long ENDLESS_ITERATIONS = 100_000_000_000L;
  private static final String ENDLESS = "/process?iterations=" + ENDLESS_ITERATIONS;

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;

  /** A node with {@code compute} overrides, its compute verticles (none when instances is 0) and its HTTP front. */
  private Future<TestNode> deploy(Vertx vertx, JsonObject compute) {
    node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("http", new JsonObject().put("maxBodyBytes", 1024))
      .put("compute", new JsonObject().put("maxIterations", ENDLESS_ITERATIONS).mergeIn(compute))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"), new PoolOptions().setHttp1MaxSize(16));
    return TestNodes.deploy(vertx, node).map(node);
  }

  private static JsonObject instances(int count) {
    return new JsonObject().put("instances", count).put("poolSize", Math.max(count, 1));
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  private Future<HttpResponse<Buffer>> post(String body) {
    return client.post(node.httpPort(), "127.0.0.1", "/jobs").sendBuffer(Buffer.buffer(body));
  }

  /** Polls {@code GET /jobs/{id}} every 10 ms until the job is in {@code state}. */
  private Future<JsonObject> awaitState(Vertx vertx, String id, String state) {
    return get("/jobs/" + id).compose(response -> {
      JsonObject body = response.bodyAsJsonObject();
      if (state.equals(body.getString("state"))) {
        return Future.succeededFuture(body);
      }
      return vertx.timer(10, TimeUnit.MILLISECONDS).compose(v -> awaitState(vertx, id, state));
    });
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("/process answers the sum-mod result computed on a lanes-compute thread, never an event loop")
  void processRunsOnTheComputePool(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, instances(2))
      .compose(n -> Future.all(get("/process?n=7&iterations=1000000"), get("/process")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        HttpResponse<Buffer> explicit = all.resultAt(0);
        HttpResponse<Buffer> defaults = all.resultAt(1);
        assertEquals(200, explicit.statusCode(), explicit.bodyAsString());
        JsonObject body = explicit.bodyAsJsonObject();
        assertEquals(ComputeJobsTest.closedForm(7, 1_000_000), body.getLong("result"));
        assertEquals(node.id(), body.getString("node"));
        assertTrue(body.getString("thread").startsWith(POOL_THREADS + "-"), body.getString("thread"));
        assertFalse(body.getString("thread").contains("eventloop"));
        assertNotNull(body.getLong("elapsed_ms"));
        assertEquals(ComputeJobsTest.closedForm(7, 10_000_000), defaults.bodyAsJsonObject().getLong("result"), "n 7, 10^7 iterations by default");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("/hello answers while every compute instance is busy")
  void helloAnswersWhileComputeIsBusy(Vertx vertx, VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> busy = new ArrayList<>();
    deploy(vertx, instances(2).put("timeoutMs", 1500))
      .compose(n -> {
        busy.add(get(ENDLESS));
        busy.add(get(ENDLESS));
        return Await.until(vertx, () -> threads.countInside(POOL_THREADS, SUM_MOD_FRAME) >= 2);
      })
      .compose(allBusy -> get("/hello"))
      .onComplete(testContext.succeeding(hello -> testContext.verify(() -> {
        assertEquals(200, hello.statusCode());
        for (Future<HttpResponse<Buffer>> job : busy) {
          assertFalse(job.isComplete(), "/hello waited for a compute job");
        }
      })))
      .compose(hello -> Future.join(busy))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        // They were endless: each ends at its deadline, on the compute thread that ran it.
        for (Future<HttpResponse<Buffer>> job : busy) {
          assertEquals(504, job.result().statusCode(), job.result().bodyAsString());
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("a job past its deadline answers 504, and its thread is free for the next job right after")
  void deadlineFreesTheThread(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, instances(1).put("timeoutMs", 500))
      .compose(n -> get(ENDLESS))
      .onComplete(testContext.succeeding(timedOut -> testContext.verify(() -> {
        assertEquals(504, timedOut.statusCode(), timedOut.bodyAsString());
      })))
      // The only compute thread left the loop (it was not merely abandoned by the requester)...
      .compose(timedOut -> Await.until(vertx, () -> threads.countInside(POOL_THREADS, SUM_MOD_FRAME) == 0))
      // ...and the one instance takes the next job at once.
      .compose(free -> get("/process?iterations=1000"))
      .onComplete(testContext.succeeding(next -> testContext.verify(() -> {
        assertEquals(200, next.statusCode(), next.bodyAsString());
        assertEquals(ComputeJobsTest.closedForm(7, 1000), next.bodyAsJsonObject().getLong("result"));
        assertEquals(0, node.lanes().compute().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 with Retry-After at once when compute.queueLimit jobs are in flight")
  void refusesPastTheQueueLimit(Vertx vertx, VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> admitted = new ArrayList<>();
    deploy(vertx, instances(1).put("queueLimit", 2).put("timeoutMs", 1000))
      .compose(n -> {
        admitted.add(get(ENDLESS));
        admitted.add(get(ENDLESS));
        return Await.until(vertx, () -> node.lanes().compute().inFlight() == 2);
      })
      .compose(full -> get("/process?iterations=10"))
      .onComplete(testContext.succeeding(refused -> testContext.verify(() -> {
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.getHeader("Retry-After"));
        assertEquals("compute", refused.bodyAsJsonObject().getJsonObject("detail").getString("lane"));
        for (Future<HttpResponse<Buffer>> job : admitted) {
          assertFalse(job.isComplete(), "the refusal waited for admitted work");
        }
      })))
      .compose(refused -> Future.all(admitted))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        // The second one waited in the instance's queue past its deadline: it is refused without running.
        for (Future<HttpResponse<Buffer>> job : admitted) {
          assertEquals(504, job.result().statusCode());
        }
        assertEquals(0, node.lanes().compute().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 when no compute verticle listens (a node that only sends, alone)")
  void noConsumerIs503(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("instances", 0))
      .compose(n -> get("/process?iterations=10"))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(503, response.statusCode(), response.bodyAsString());
        assertEquals("no consumer", response.bodyAsJsonObject().getString("error"));
        assertNotNull(response.getHeader("Retry-After"));
        assertEquals(0, node.lanes().compute().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("maps a compute verticle's own refusal (stricter limits than the front's) to 400")
  void recipientFailureMapsByCode(Vertx vertx, VertxTestContext testContext) {
    LanesConfig.Compute strict = LanesConfig.from(new JsonObject()
      .put("compute", instances(1).put("maxIterations", 1000))).compute();
    deploy(vertx, new JsonObject().put("instances", 0))
      .compose(n -> vertx.deployVerticle(() -> new ComputeVerticle("strict-node", strict, ComputeJobs.standard()),
        ComputeVerticle.deploymentOptions(strict)))
      .compose(id -> get("/process?iterations=5000"))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(400, response.statusCode(), response.bodyAsString());
        assertTrue(response.bodyAsJsonObject().getString("detail").startsWith("iterations"), response.bodyAsString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an async job goes queued -> running -> done, with Location and its result")
  void asyncJobLifecycle(Vertx vertx, VertxTestContext testContext) {
    String[] ids = new String[2];
    // B waits behind A for as long as A runs: a budget longer than that, so it is not refused at its turn.
    deploy(vertx, instances(1).put("maxWaitMs", 60_000))
      // A keeps the only instance busy for about a second.
      .compose(n -> post("{\"type\":\"sum-mod\",\"n\":7,\"iterations\":500000000}"))
      .compose(accepted -> {
        testContext.verify(() -> {
          assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
          ids[0] = accepted.bodyAsJsonObject().getString("id");
          assertEquals("/jobs/" + ids[0], accepted.getHeader("Location"));
        });
        return awaitState(vertx, ids[0], "running");
      })
      .compose(running -> {
        testContext.verify(() -> assertTrue(running.getString("thread").startsWith(POOL_THREADS)));
        return post("{\"type\":\"primes\",\"limit\":1000}");
      })
      .compose(accepted -> {
        ids[1] = accepted.bodyAsJsonObject().getString("id");
        return get("/jobs/" + ids[1]);
      })
      .compose(queued -> {
        testContext.verify(() -> {
          JsonObject body = queued.bodyAsJsonObject();
          assertEquals("queued", body.getString("state"), "B waits behind A on the only instance");
          assertEquals("primes", body.getString("type"));
        });
        return awaitState(vertx, ids[1], "done");
      })
      .compose(doneB -> get("/jobs/" + ids[0]).map(doneA -> List.of(doneA.bodyAsJsonObject(), doneB)))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        JsonObject a = done.get(0);
        JsonObject b = done.get(1);
        assertEquals("done", a.getString("state"));
        assertEquals(ComputeJobsTest.closedForm(7, 500_000_000), a.getLong("result"));
        assertEquals(168L, b.getLong("result"), "pi(1000)");
        assertNotNull(b.getLong("started_at"), "B was reported running before it finished");
        assertTrue(b.getLong("started_at") >= a.getLong("started_at") + a.getLong("run_ms"), "B started once A was done");
        assertTrue(b.getLong("elapsed_ms") >= 0);
        assertEquals(0, node.lanes().compute().inFlight());
        assertEquals(0, node.background().pending());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("an async job past its deadline ends timed_out")
  void asyncJobTimesOut(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, instances(1).put("timeoutMs", 300))
      .compose(n -> post("{\"type\":\"sum-mod\",\"iterations\":" + ENDLESS_ITERATIONS + "}"))
      .compose(accepted -> awaitState(vertx, accepted.bodyAsJsonObject().getString("id"), "timed_out"))
      .onComplete(testContext.succeeding(timedOut -> testContext.verify(() -> {
        assertNotNull(timedOut.getString("error"));
        assertFalse(timedOut.containsKey("result"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses bad input with 400 naming the field, 413 past the body limit, 404 for an unknown job")
  void refusesBadInput(Vertx vertx, VertxTestContext testContext) {
    String[][] badBodies = {
      {"{\"type\":\"nope\"}", "type"},
      {"{\"n\":7}", "type"},
      {"{\"type\":\"sum-mod\",\"n\":0}", "n"},
      {"{\"type\":\"sum-mod\",\"n\":1.5}", "n"},
      {"{\"type\":\"sum-mod\",\"iterations\":\"10\"}", "iterations"},
      {"{\"type\":\"sum-mod\",\"iterations\":" + (ENDLESS_ITERATIONS + 1) + "}", "iterations"},
      {"{\"type\":\"sum-mod\",\"iteration\":10}", "iteration"},
      {"{\"type\":\"primes\",\"limit\":50000001}", "limit"},
      {"{\"type\":\"sha256\",\"rounds\":10000001}", "rounds"},
      {"{\"type\":\"score\"}", "document"},
      {"[1,2]", "body"}};
    String[][] badQueries = {{"/process?n=abc", "n"}, {"/process?n=0", "n"}, {"/process?iterations=-1", "iterations"},
      {"/process?iterations=" + (ENDLESS_ITERATIONS + 1), "iterations"}};
    deploy(vertx, instances(1)).onComplete(testContext.succeeding(n -> {
      List<Future<?>> checks = new ArrayList<>();
      for (String[] bad : badBodies) {
        checks.add(post(bad[0]).andThen(testContext.succeeding(r -> testContext.verify(() -> assertNamed(r, bad[1], bad[0])))));
      }
      for (String[] bad : badQueries) {
        checks.add(get(bad[0]).andThen(testContext.succeeding(r -> testContext.verify(() -> assertNamed(r, bad[1], bad[0])))));
      }
      checks.add(post("{\"type\":").andThen(testContext.succeeding(r -> testContext.verify(() -> {
        assertEquals(400, r.statusCode());
        assertEquals("malformed JSON body", r.bodyAsJsonObject().getString("error"));
      }))));
      checks.add(post("").andThen(testContext.succeeding(r -> testContext.verify(() -> assertEquals(400, r.statusCode())))));
      checks.add(post("{\"type\":\"sha256\",\"seed\":\"" + "x".repeat(2000) + "\"}")
        .andThen(testContext.succeeding(r -> testContext.verify(() -> assertEquals(413, r.statusCode())))));
      checks.add(get("/jobs/no-such-job").andThen(testContext.succeeding(r -> testContext.verify(() -> {
        assertEquals(404, r.statusCode());
        assertEquals("not found", r.bodyAsJsonObject().getString("error"));
      }))));
      checks.add(get("/nowhere").andThen(testContext.succeeding(r -> testContext.verify(() -> assertEquals(404, r.statusCode())))));
      Future.all(checks).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertEquals(0, node.lanes().compute().inFlight(), "nothing bad was sent");
        testContext.completeNow();
      })));
    }));
  }

  private static void assertNamed(HttpResponse<Buffer> response, String field, String request) {
    assertEquals(400, response.statusCode(), request + " -> " + response.bodyAsString());
    JsonObject body = response.bodyAsJsonObject();
    assertEquals("bad parameter: " + field, body.getString("error"), request);
    assertEquals(field, body.getJsonObject("detail").getString("parameter"), request);
  }
}
