package io.lanes.schedule;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
import io.lanes.support.TestNodes;
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
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /schedules with the real jobs")
class ScheduleRoutesTest {

  @TempDir
  Path dataDir;

  private final LogCapture heartbeats = LogCapture.of(HeartbeatJob.class);
  private WebClient client;

  @AfterEach
  void detach() {
    heartbeats.close();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lists each job with its interval, counts, last run and owner node, after a heartbeat logged the lanes")
  void listsJobs(Vertx vertx, VertxTestContext testContext) {
    TestNode node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject()
      .put("schedules", new JsonArray()
        .add(new JsonObject().put("name", "heartbeat").put("intervalMs", 20))
        .add(new JsonObject().put("name", "scratch-sweeper").put("intervalMs", 60_000).put("enabled", false)))));
    client = WebClient.create(vertx);
    TestNodes.deploy(vertx, node)
      .compose(id -> Await.until(vertx, () -> node.schedules().job("heartbeat").orElseThrow().runs() >= 1
        && !heartbeats.messages().isEmpty()))
      .compose(beat -> client.get(node.httpPort(), "127.0.0.1", "/schedules").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals(node.id(), body.getString("node"));
        JsonArray jobs = body.getJsonArray("schedules");
        assertEquals(2, jobs.size());

        JsonObject heartbeat = jobs.getJsonObject(0);
        assertEquals("heartbeat", heartbeat.getString("name"));
        assertEquals(20, heartbeat.getLong("intervalMs"));
        assertTrue(heartbeat.getLong("runs") >= 1);
        assertNotNull(heartbeat.getLong("skipped"));
        assertEquals(0, heartbeat.getLong("failures"));
        assertNotNull(heartbeat.getString("last_started_at"));
        assertTrue(heartbeat.containsKey("last_finished_at"));
        assertNull(heartbeat.getString("last_error"));
        assertEquals(node.id(), heartbeat.getString("owner"));

        JsonObject sweeper = jobs.getJsonObject(1);
        assertEquals("scratch-sweeper", sweeper.getString("name"));
        assertFalse(sweeper.getBoolean("enabled"));
        assertEquals(0, sweeper.getLong("runs"));

        String line = heartbeats.messages().get(0);
        assertEquals("Heartbeat " + node.id() + ": in flight blocking 0/164, files 0/68, tasks 0/72, compute 0/64;"
          + " background 0 pending", line);
        testContext.completeNow();
      })));
  }
}
