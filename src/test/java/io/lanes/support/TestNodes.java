package io.lanes.support;

import io.lanes.app.Node;
import io.lanes.config.LanesConfig;
import io.lanes.http.HttpVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** Builds a node from test config and deploys its HTTP front on 127.0.0.1, port 0. */
public final class TestNodes {

  private TestNodes() {
  }

  /** Test defaults: loopback, a free port, one HTTP instance, short grace; {@code overrides} deep-merged on top. */
  public static JsonObject config(Path dataDir, JsonObject overrides) {
    JsonObject base = new JsonObject()
      .put("http", new JsonObject().put("host", "127.0.0.1").put("port", 0).put("instances", 1))
      .put("files", new JsonObject().put("dataDir", dataDir.toString()))
      .put("shutdown", new JsonObject().put("graceMs", 5000));
    return base.mergeIn(overrides, true);
  }

  public static Node node(Vertx vertx, JsonObject config) {
    return Node.create(vertx, LanesConfig.from(config));
  }

  /** Deploys {@link HttpVerticle} for {@code node}; the future holds the deployment id once the server is bound. */
  public static Future<String> deployHttp(Vertx vertx, Node node) {
    return vertx.deployVerticle(() -> new HttpVerticle(node),
      new DeploymentOptions().setInstances(node.config().http().instances()));
  }
}
