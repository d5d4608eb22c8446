package io.lanes.app;

import io.lanes.config.LanesConfig;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A node that serves beyond the loopback: the operational endpoints on a listener of their own ({@code ops.port},
 * loopback by default) with only {@code /ready} and a bare {@code /health} left on the API, and the embedded upstream
 * stubs off unless {@code fanout.stubs} turns them on.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Serving beyond the loopback")
class ServingBeyondLoopbackTest {

  private static final String LOOPBACK = "127.0.0.1";

  @TempDir
  Path dataDir;

  private WebClient client;

  @BeforeEach
  void client(Vertx vertx) {
    client = WebClient.create(vertx);
  }

  private Future<HttpResponse<Buffer>> get(int port, String uri) {
    return client.get(port, LOOPBACK, uri).send();
  }

  private JsonObject conf(JsonObject overrides) {
    return TestNodes.config(dataDir, new JsonObject().put("compute", new JsonObject().put("instances", 1)))
      .mergeIn(overrides, true);
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("with ops.port: /metrics, /schedules and /health's details on the ops listener, the API keeps /ready and UP")
  void opsListenerTakesTheOperationalEndpoints(Vertx vertx, VertxTestContext testContext) {
    JsonObject conf = conf(new JsonObject().put("ops", new JsonObject().put("port", 0)));
    TestNodes.start(vertx, conf)
      .compose(node -> node.main().opsPort().compose(ops -> {
        int api = node.httpPort();
        return Future.all(List.of(get(api, "/metrics"), get(api, "/schedules"), get(api, "/health"), get(api, "/ready"),
          get(ops, "/metrics"), get(ops, "/schedules"), get(ops, "/health"), get(ops, "/ready"), get(api, "/hello")));
      }))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<HttpResponse<Buffer>> answers = all.list();
        assertEquals(404, answers.get(0).statusCode(), "/metrics on the API");
        assertEquals(404, answers.get(1).statusCode(), "/schedules on the API");
        assertEquals(200, answers.get(2).statusCode(), answers.get(2).bodyAsString());
        assertEquals(new JsonObject().put("status", "UP"), answers.get(2).bodyAsJsonObject(), "the API's /health");
        assertEquals(200, answers.get(3).statusCode(), answers.get(3).bodyAsString());
        assertEquals(200, answers.get(4).statusCode());
        assertTrue(answers.get(4).bodyAsString().contains("lanes_lane_in_flight"), "no Lanes meters on the ops /metrics");
        assertEquals(200, answers.get(5).statusCode());
        assertTrue(answers.get(6).bodyAsJsonObject().containsKey("checks"), answers.get(6).bodyAsString());
        assertEquals(200, answers.get(7).statusCode());
        assertEquals(200, answers.get(8).statusCode(), "the API itself");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("without ops.port: everything on the API, as on a loopback-only node")
  void withoutOpsPortEverythingIsOnTheApi(Vertx vertx, VertxTestContext testContext) {
    TestNodes.start(vertx, conf(new JsonObject()))
      .compose(node -> Future.all(get(node.httpPort(), "/metrics"), get(node.httpPort(), "/schedules"),
        get(node.httpPort(), "/health")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertEquals(200, all.<HttpResponse<Buffer>>resultAt(0).statusCode());
        assertEquals(200, all.<HttpResponse<Buffer>>resultAt(1).statusCode());
        assertTrue(all.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject().containsKey("checks"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("bound beyond the loopback: no embedded stubs, and the fan-out says what to configure (503)")
  void stubsAreOffBeyondTheLoopback(Vertx vertx, VertxTestContext testContext) {
    JsonObject conf = conf(new JsonObject().put("http", new JsonObject().put("host", "0.0.0.0")));
    TestNodes.start(vertx, conf)
      .compose(node -> Future.all(get(node.httpPort(), "/upstream/json"), get(node.httpPort(), "/fetch-data"),
        get(node.httpPort(), "/fetch")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertEquals(404, all.<HttpResponse<Buffer>>resultAt(0).statusCode(), "a stub answered");
        HttpResponse<Buffer> fetchData = all.resultAt(1);
        assertEquals(503, fetchData.statusCode(), fetchData.bodyAsString());
        assertTrue(fetchData.bodyAsJsonObject().getString("detail").contains("fanout.stubs"), fetchData.bodyAsString());
        assertEquals(503, all.<HttpResponse<Buffer>>resultAt(2).statusCode());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("bound beyond the loopback with fanout.stubs true: the stubs answer, and /fetch-data calls them")
  void stubsCanBeTurnedOn(Vertx vertx, VertxTestContext testContext) {
    JsonObject conf = conf(new JsonObject().put("http", new JsonObject().put("host", "0.0.0.0"))
      .put("fanout", new JsonObject().put("stubs", true)));
    TestNodes.start(vertx, conf)
      .compose(node -> Future.all(get(node.httpPort(), "/upstream/uuid"), get(node.httpPort(), "/fetch-data")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertEquals(200, all.<HttpResponse<Buffer>>resultAt(0).statusCode());
        assertEquals(200, all.<HttpResponse<Buffer>>resultAt(1).statusCode(),
          all.<HttpResponse<Buffer>>resultAt(1).bodyAsString());
        testContext.completeNow();
      })));
  }

  @Test
  @DisplayName("reads fanout.stubs as on for a loopback http.host, off for any other, unless set")
  void stubsDefaultFollowsTheBindAddress() {
    assertTrue(LanesConfig.from(new JsonObject()).fanout().stubs());
    assertTrue(stubs(new JsonObject().put("http", new JsonObject().put("host", "localhost"))));
    assertFalse(stubs(new JsonObject().put("http", new JsonObject().put("host", "0.0.0.0"))));
    assertFalse(stubs(new JsonObject().put("http", new JsonObject().put("host", "10.0.0.5"))));
    assertTrue(stubs(new JsonObject().put("http", new JsonObject().put("host", "10.0.0.5"))
      .put("fanout", new JsonObject().put("stubs", true))));
    assertFalse(LanesConfig.from(new JsonObject()).ops().separate());
    assertEquals(LOOPBACK, LanesConfig.from(new JsonObject()).ops().host());
  }

  private static boolean stubs(JsonObject json) {
    return LanesConfig.from(json).fanout().stubs();
  }
}
