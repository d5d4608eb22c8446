package io.lanes.compute;

import io.lanes.app.MainVerticle;
import io.lanes.config.LanesConfig;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
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
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The main verticle's compute lane")
class ComputeDeploymentTest {

  /** Minutes of CPU: only the deadline ends such a job. */
  private static final long ENDLESS_ITERATIONS = 100_000_000_000L;

  @TempDir
  Path dataDir;

  private MainVerticle main;
  private WebClient client;

  private Future<String> deploy(Vertx vertx, JsonObject compute) {
    main = new MainVerticle();
    client = WebClient.create(vertx);
    JsonObject conf = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("compute", compute.put("maxIterations", ENDLESS_ITERATIONS));
    return vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf));
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(main.httpPort().result(), "127.0.0.1", uri).send();
  }

  /** Polls {@code GET /jobs/{id}} every 20 ms until the job has ended. */
  private Future<JsonObject> ended(Vertx vertx, String id) {
    return get("/jobs/" + id).compose(response -> {
      JsonObject state = response.bodyAsJsonObject();
      if (!"queued".equals(state.getString("state")) && !"running".equals(state.getString("state"))) {
        return Future.succeededFuture(state);
      }
      return vertx.timer(20, TimeUnit.MILLISECONDS).compose(v -> ended(vertx, id));
    });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deploys exactly compute.instances verticles on the lanes-compute pool: that many jobs run at once, no more")
  void deploysComputeVerticles(Vertx vertx, VertxTestContext testContext) {
    int instances = 3;
    long timeoutMs = 1500;
    List<String> ids = new ArrayList<>();
    // One more thread than instances, so only the number of verticles can hold the fourth job back.
    deploy(vertx, new JsonObject().put("instances", instances).put("poolSize", instances + 1).put("timeoutMs", timeoutMs))
      .compose(id -> get("/process?iterations=1000"))
      .compose(process -> {
        testContext.verify(() -> {
          assertEquals(200, process.statusCode(), process.bodyAsString());
          assertTrue(process.bodyAsJsonObject().getString("thread").startsWith(LanesConfig.Compute.POOL_NAME));
        });
        List<Future<HttpResponse<Buffer>>> submitted = new ArrayList<>();
        for (int i = 0; i <= instances; i++) {
          submitted.add(client.post(main.httpPort().result(), "127.0.0.1", "/jobs")
            .sendJsonObject(new JsonObject().put("type", "sum-mod").put("iterations", ENDLESS_ITERATIONS)));
        }
        return Future.all(submitted).map(all -> submitted);
      })
      .compose(submitted -> {
        List<Future<JsonObject>> ends = new ArrayList<>();
        for (Future<HttpResponse<Buffer>> accepted : submitted) {
          String id = accepted.result().bodyAsJsonObject().getString("id");
          ids.add(id);
          ends.add(ended(vertx, id));
        }
        return Future.all(ends).map(all -> ends.stream().map(Future::result).toList());
      })
      .onComplete(testContext.succeeding(states -> testContext.verify(() -> {
        // Every job runs until its deadline. The ones a free verticle took started at once; with one verticle fewer
        // than jobs, the last one could only start when a verticle came free, near the end of its own time.
        long startedAtOnce = states.stream()
          .filter(state -> state.getLong("started_at", Long.MAX_VALUE) - state.getLong("accepted_at") < timeoutMs / 2)
          .count();
        assertEquals(instances, startedAtOnce, states.toString());
        for (JsonObject state : states) {
          assertEquals("timed_out", state.getString("state"), state.encode());
        }
        assertEquals(instances + 1, ids.stream().distinct().count());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deploys none with compute.instances 0: the node only sends, and alone it answers 503 no consumer")
  void zeroInstancesOnlySends(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("instances", 0))
      .compose(id -> get("/process?iterations=1000"))
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(503, response.statusCode(), response.bodyAsString());
        assertEquals("no consumer", response.bodyAsJsonObject().getString("error"), response.bodyAsString());
        assertNotNull(response.getHeader("Retry-After"));
        testContext.completeNow();
      })));
  }
}
