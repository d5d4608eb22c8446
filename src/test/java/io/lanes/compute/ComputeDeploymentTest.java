package io.lanes.compute;

import io.lanes.app.MainVerticle;
import io.lanes.config.LanesConfig;
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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The main verticle's compute lane")
class ComputeDeploymentTest {

  @TempDir
  Path dataDir;

  private WebClient client;

  private JsonObject conf(int computeInstances) {
    return new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("compute", new JsonObject().put("instances", computeInstances));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deploys compute.instances compute verticles on the lanes-compute pool when the node has the compute role")
  void deploysComputeVerticles(Vertx vertx, VertxTestContext testContext) {
    MainVerticle main = new MainVerticle();
    client = WebClient.create(vertx);
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf(2)))
      .compose(id -> client.get(main.node().httpPort(), "127.0.0.1", "/process?iterations=1000").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertTrue(response.bodyAsJsonObject().getString("thread").startsWith(LanesConfig.Compute.POOL_NAME));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deploys none with compute.instances 0: the node only sends, and alone it answers 503")
  void zeroInstancesOnlySends(Vertx vertx, VertxTestContext testContext) {
    MainVerticle main = new MainVerticle();
    client = WebClient.create(vertx);
    vertx.deployVerticle(main, new DeploymentOptions().setConfig(conf(0)))
      .compose(id -> client.get(main.node().httpPort(), "127.0.0.1", "/process?iterations=1000").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(503, response.statusCode(), response.bodyAsString());
        testContext.completeNow();
      })));
  }
}
