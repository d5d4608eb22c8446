package io.lanes.cluster;

import io.lanes.app.MainVerticle;
import io.lanes.support.LogCapture;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("A node by its roles, alone")
class StandaloneRolesTest {

  @TempDir
  Path dataDir;

  private final LogCapture log = LogCapture.of(MainVerticle.class);
  private WebClient client;

  @AfterEach
  void closeLog() {
    log.close();
  }

  private JsonObject conf(JsonArray roles, int computeInstances) {
    return new JsonObject()
      .put("roles", roles)
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("compute", new JsonObject().put("instances", computeInstances))
      .put("schedules", new JsonArray());
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("compute-only: starts without an HTTP port and says so in its banner")
  void computeOnlyNode(Vertx vertx, VertxTestContext testContext) {
    MainVerticle main = new MainVerticle();
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf(new JsonArray().add("compute"), 2)))
      .onComplete(testContext.succeeding(id -> testContext.verify(() -> {
        assertFalse(main.httpPort().isComplete(), "a node without the http role never listens");
        String banner = log.messages().stream().filter(line -> line.contains(" ready: ")).findFirst().orElseThrow();
        assertTrue(banner.contains("roles [compute]") && banner.contains("compute x2"), banner);
        assertFalse(banner.contains("http"), banner);
        assertTrue(banner.endsWith("standalone"), banner);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("HTTP without compute anywhere: not ready (503), naming the missing compute consumer")
  void notReadyWithoutCompute(Vertx vertx, VertxTestContext testContext) {
    MainVerticle main = new MainVerticle();
    client = WebClient.create(vertx);
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf(new JsonArray().add("http"), 0)))
      .compose(id -> client.get(main.httpPort().result(), "127.0.0.1", "/ready").send())
      .onComplete(testContext.succeeding(ready -> testContext.verify(() -> {
        assertEquals(503, ready.statusCode(), ready.bodyAsString());
        assertEquals("no compute consumer", ready.bodyAsJsonObject().getString("detail"));
        String banner = log.messages().stream().filter(line -> line.contains(" ready: ")).findFirst().orElseThrow();
        assertTrue(banner.contains("http 127.0.0.1:" + main.httpPort().result()), banner);
        testContext.completeNow();
      })));
  }
}
