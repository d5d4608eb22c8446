package io.lanes.fanout;

import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.file.Path;
import java.util.List;

/** Test set-ups for the fan-out: fake upstreams, a port nobody listens on, and a Lanes node with a {@code fanout} section. */
final class FanoutNodes {

  private FanoutNodes() {
  }

  static Future<FakeUpstreamVerticle> fakeUpstream(Vertx vertx) {
    FakeUpstreamVerticle fake = new FakeUpstreamVerticle();
    return vertx.deployVerticle(fake).map(fake);
  }

  /** A port that was free a moment ago: a connection to it is refused. */
  static Future<Integer> refusedPort(Vertx vertx) {
    return vertx.createHttpServer()
      .requestHandler(request -> request.response().end())
      .listen(0, "127.0.0.1")
      .compose(server -> server.close().map(server.actualPort()));
  }

  static JsonObject fanout(long timeoutMs, int poolSize, int maxBodyBytes, List<String> upstreams) {
    return new JsonObject()
      .put("upstreams", new JsonArray(upstreams))
      .put("timeoutMs", timeoutMs)
      .put("poolSize", poolSize)
      .put("maxBodyBytes", maxBodyBytes)
      .put("maxDelayMs", 2000)
      .put("stubMaxBytes", 64 * 1024);
  }

  /** A node with that {@code fanout} section, its HTTP front deployed (one instance). */
  static Future<TestNode> lanes(Vertx vertx, Path dataDir, JsonObject fanout) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject().put("fanout", fanout)));
    return TestNodes.deploy(vertx, node).map(node);
  }
}
