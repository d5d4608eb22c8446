package io.lanes.app;

import io.lanes.config.ConfigException;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The main verticle")
class MainVerticleTest {

  @TempDir
  Path dataDir;

  private WebClient client;

  private JsonObject conf(JsonObject overrides) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 2))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .mergeIn(overrides, true);
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deploys the HTTP front on one shared port and turns ready")
  void deploysAndTurnsReady(Vertx vertx, VertxTestContext testContext) {
    MainVerticle main = new MainVerticle();
    client = WebClient.create(vertx);
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf(new JsonObject())))
      .compose(id -> client.get(main.httpPort().result(), "127.0.0.1", "/ready").send())
      .onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
        assertEquals(200, ready.statusCode());
        assertEquals("UP", ready.bodyAsJsonObject().getString("status"));
        assertEquals(main.services().id(), ready.bodyAsJsonObject().getString("node"));
        // The route table is the router's own: each feature's routes are in it, with their methods.
        List<String> routes = main.routeTable();
        for (String route : List.of("GET /", "GET /hello", "GET /health", "GET /ready", "GET /metrics", "GET /sync",
          "GET /async", "GET /write", "POST /write", "GET /write_bad", "POST /send", "GET /task/:task_id",
          "GET /resource", "GET /tasks/:task_id", "GET /schedules", "GET /process", "POST /jobs", "GET /jobs/:id",
          "GET /fetch-data", "GET /fetch", "GET /complex-task", "GET /upstream/json")) {
          assertTrue(routes.contains(route), route + " missing from " + routes);
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses more than one instance of itself and says how to scale instead")
  void refusesInstances(Vertx vertx, VertxTestContext testContext) {
    vertx.deployVerticle(MainVerticle.class, new DeploymentOptions().setInstances(2).setConfig(conf(new JsonObject())))
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        assertTrue(cause.getMessage().contains("instances"), cause.getMessage());
        assertTrue(cause.getMessage().contains("scale"), cause.getMessage());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails deployment on a bad value, naming its key")
  void failsOnBadConfig(Vertx vertx, VertxTestContext testContext) {
    JsonObject bad = conf(new JsonObject().put("blocking", new JsonObject().put("poolSize", -4)));
    vertx.deployVerticle(new MainVerticle(), new DeploymentOptions().setConfig(bad))
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        ConfigException error = assertInstanceOf(ConfigException.class, cause);
        assertEquals("blocking.poolSize", error.key());
        testContext.completeNow();
      })));
  }
}
