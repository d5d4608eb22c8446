package io.lanes.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;

/** Test config for a whole Lanes node, and the node itself ({@link TestNode}) on 127.0.0.1, port 0. */
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

  /** A node of {@code config} on {@code vertx}, not yet deployed. */
  public static TestNode node(Vertx vertx, JsonObject config) {
    return new TestNode(vertx, config);
  }

  /** Deploys {@code node}; the future holds its deployment id once every role is up and the HTTP front listens. */
  public static Future<String> deploy(Vertx vertx, TestNode node) {
    return node.deploy();
  }

  /** {@link #node} and {@link #deploy} at once. */
  public static Future<TestNode> start(Vertx vertx, JsonObject config) {
    TestNode node = node(vertx, config);
    return node.deploy().map(node);
  }
}
