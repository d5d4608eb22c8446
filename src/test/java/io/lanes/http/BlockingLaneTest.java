package io.lanes.http;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.lanes.support.TestNodes;
import io.lanes.support.Threads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.PoolOptions;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The blocking lane")
class BlockingLaneTest {

  /** Counts only the threads this test starts. */
  private final Threads threads = Threads.startedFromNow();

  /** The frame of the sleeping lambda in {@link io.lanes.core.CoreRoutes}. */
  private static final String SLEEP_FRAME = "CoreRoutes.lambda$sync";
  private static final String POOL_THREADS = "lanes-blocking";

  @TempDir
  Path dataDir;

  private WebClient client;

  private TestNode deploy(Vertx vertx, int poolSize, int queueLimit) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("blocking", new JsonObject().put("poolSize", poolSize).put("queueLimit", queueLimit))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(32));
    return node;
  }

  private Future<HttpResponse<Buffer>> get(TestNode node, String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("runs 8 concurrent /sync from one HTTP verticle in parallel, not one after another")
  void runsConcurrentSleepsInParallel(Vertx vertx, VertxTestContext testContext) {
    TestNode node = deploy(vertx, 8, 0);
    List<Future<HttpResponse<Buffer>>> sleeps = new ArrayList<>();
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        for (int i = 0; i < 8; i++) {
          sleeps.add(get(node, "/sync?seconds=3"));
        }
        // All 8 sleeping at the same moment means their run intervals overlap: ordered executeBlocking would show 1.
        return Await.until(vertx, () -> threads.countInside(POOL_THREADS, SLEEP_FRAME) >= 8);
      })
      .compose(allSleeping -> Future.all(sleeps))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (Future<HttpResponse<Buffer>> sleep : sleeps) {
          assertEquals(200, sleep.result().statusCode());
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("leaves /hello answering while every blocking worker is busy")
  void helloAnswersWhileWorkersAreBusy(Vertx vertx, VertxTestContext testContext) {
    TestNode node = deploy(vertx, 2, 2);
    List<Future<HttpResponse<Buffer>>> sleeps = new ArrayList<>();
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        for (int i = 0; i < 4; i++) {
          sleeps.add(get(node, "/sync?seconds=3"));
        }
        return Await.until(vertx, () -> threads.countInside(POOL_THREADS, SLEEP_FRAME) >= 2);
      })
      .compose(busy -> get(node, "/hello"))
      .onComplete(testContext.succeeding(hello -> testContext.verify(() -> {
        assertEquals(200, hello.statusCode());
        for (Future<HttpResponse<Buffer>> sleep : sleeps) {
          assertFalse(sleep.isComplete(), "/hello had to wait for a /sync");
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 with Retry-After at once when running + waiting work reaches the bound")
  void refusesPastTheBound(Vertx vertx, VertxTestContext testContext) {
    TestNode node = deploy(vertx, 1, 1);
    List<Future<HttpResponse<Buffer>>> admitted = new ArrayList<>();
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        admitted.add(get(node, "/sync?seconds=2"));
        admitted.add(get(node, "/sync?seconds=2"));
        return Await.until(vertx, () -> node.lanes().blocking().inFlight() == 2);
      })
      .compose(full -> get(node, "/sync?seconds=2"))
      .onComplete(testContext.succeeding(refused -> testContext.verify(() -> {
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.getHeader("Retry-After"));
        JsonObject body = refused.bodyAsJsonObject();
        assertEquals("lane full", body.getString("error"));
        assertEquals("blocking", body.getJsonObject("detail").getString("lane"));
        for (Future<HttpResponse<Buffer>> sleep : admitted) {
          assertFalse(sleep.isComplete(), "the refusal waited for admitted work");
        }
      })))
      .compose(refused -> Future.all(admitted))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (Future<HttpResponse<Buffer>> sleep : admitted) {
          assertEquals(200, sleep.result().statusCode());
        }
        assertEquals(0, node.lanes().blocking().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses a /sync at its turn with 503 when it waited for a thread past blocking.maxWaitMs, without running it")
  void refusesWorkThatWaitedPastTheBudget(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("blocking", new JsonObject().put("poolSize", 1).put("maxWaitMs", 300))));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(4));
    Future<HttpResponse<Buffer>>[] holder = new Future[1];
    TestNodes.deploy(vertx, node)
      .compose(id -> {
        holder[0] = get(node, "/sync?seconds=1");
        return Await.until(vertx, () -> threads.countInside(POOL_THREADS, SLEEP_FRAME) >= 1);
      })
      // Admitted (the lane knows no drain rate yet, so one may wait per thread), but its turn comes after ~1 s.
      .compose(busy -> get(node, "/sync?seconds=0"))
      .onComplete(testContext.succeeding(late -> testContext.verify(() -> {
        assertEquals(503, late.statusCode(), late.bodyAsString());
        JsonObject detail = late.bodyAsJsonObject().getJsonObject("detail");
        assertEquals("lane full", late.bodyAsJsonObject().getString("error"));
        assertEquals("blocking", detail.getString("lane"));
        assertEquals("waited past the budget", detail.getString("reason"));
        assertTrue(detail.getLong("waitedMs") > 300, detail.encode());
        assertNotNull(late.getHeader("Retry-After"));
        assertTrue(holder[0].isComplete() && holder[0].result().statusCode() == 200,
          "it was refused when the thread came free, after the holder");
        assertEquals(1, node.lanes().blocking().rejected());
        assertEquals(0, node.lanes().blocking().inFlight());
        testContext.completeNow();
      })));
  }
}
