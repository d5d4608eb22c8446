package io.lanes.dashboard;

import io.lanes.bus.Addresses;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonArray;
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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("GET /dashboard and /dashboard/events")
class DashboardRoutesTest {

  private static final String HOST = "127.0.0.1";

  @TempDir
  Path dataDir;

  private WebClient client;
  private HttpClient streams;

  private Future<TestNode> start(Vertx vertx, JsonObject overrides) {
    client = WebClient.create(vertx);
    streams = vertx.createHttpClient();
    return TestNodes.start(vertx, TestNodes.config(dataDir, overrides));
  }

  private Future<HttpResponse<Buffer>> get(TestNode node, String uri) {
    return client.get(node.httpPort(), HOST, uri).followRedirects(false).send();
  }

  private static JsonObject self(JsonObject view, TestNode node) {
    JsonObject first = view.getJsonArray("nodes").getJsonObject(0);
    assertEquals(node.id(), first.getString("id"), view.encode());
    return first.getJsonObject("snapshot");
  }

  private static JsonObject named(JsonArray items, String key, String name) {
    return items.stream().map(JsonObject.class::cast).filter(item -> name.equals(item.getString(key))).findFirst()
      .orElse(null);
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("serves the page, its script and uPlot from the class path (no CDN)")
  void servesThePage(Vertx vertx, VertxTestContext testContext) {
    start(vertx, new JsonObject())
      .compose(node -> get(node, "/dashboard")
        .compose(redirect -> get(node, "/dashboard/").map(page -> List.of(redirect, page)))
        .compose(two -> get(node, "/dashboard/uplot/uPlot.iife.min.js")
          .map(uplot -> List.of(two.get(0), two.get(1), uplot))))
      .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
        assertEquals(301, answers.get(0).statusCode());
        assertEquals("/dashboard/", java.net.URI.create(answers.get(0).getHeader("Location")).getPath());
        HttpResponse<Buffer> page = answers.get(1);
        assertEquals(200, page.statusCode());
        assertTrue(page.getHeader("Content-Type").startsWith("text/html"), page.getHeader("Content-Type"));
        assertTrue(page.bodyAsString().contains("/dashboard/dashboard.js"));
        assertTrue(page.bodyAsString().contains("/dashboard/uplot/uPlot.iife.min.js"));
        assertTrue(!page.bodyAsString().contains("https://"), "nothing from the network");
        HttpResponse<Buffer> uplot = answers.get(2);
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.getHeader("Content-Type").contains("javascript"), uplot.getHeader("Content-Type"));
        assertTrue(uplot.bodyAsString().contains("uPlot"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("streams this node's snapshot at once and then once a second, as Server-Sent Events")
  void streamsEverySecond(Vertx vertx, VertxTestContext testContext) {
    TestNode[] node = new TestNode[1];
    EventStream.Frame[] first = new EventStream.Frame[1];
    start(vertx, new JsonObject())
      .compose(started -> {
        node[0] = started;
        return EventStream.open(vertx, streams, started.httpPort());
      })
      .compose(answer -> {
        testContext.verify(() -> {
          assertEquals(200, answer.response().statusCode());
          assertTrue(answer.response().getHeader("Content-Type").startsWith("text/event-stream"));
          assertEquals("no-store", answer.response().getHeader("Cache-Control"));
        });
        return answer.stream().next().compose(frame -> {
          first[0] = frame;
          return answer.stream().next();
        });
      })
      .onComplete(testContext.succeeding(second -> testContext.verify(() -> {
        JsonObject view = first[0].view();
        assertEquals(node[0].id(), view.getString("servedBy"));
        assertEquals(false, view.getBoolean("clustered"));
        JsonObject snapshot = self(view, node[0]);
        // the first snapshot may be from before the node turned ready; the next one is not
        assertTrue(List.of("starting", "up").contains(snapshot.getString("readiness")), snapshot.getString("readiness"));
        assertEquals("up", self(second.view(), node[0]).getString("readiness"));
        assertEquals(List.of("blocking", "files", "tasks", "compute"), snapshot.getJsonArray("lanes").stream()
          .map(lane -> ((JsonObject) lane).getString("name")).toList());
        JsonObject blocking = named(snapshot.getJsonArray("lanes"), "name", "blocking");
        assertEquals(10_000, blocking.getLong("maxWaitMs"));
        assertEquals(0, blocking.getLong("refusingForMs"));
        assertEquals(node[0].config().ops().eventLoops(), snapshot.getJsonArray("loops").size());
        assertEquals(2, snapshot.getJsonArray("schedules").size());
        assertEquals(1, view.getInteger("streams"));
        long gapMs = TimeUnit.NANOSECONDS.toMillis(second.arrivedNanos() - first[0].arrivedNanos());
        assertTrue(gapMs >= 500 && gapMs <= 3000, "the second frame came " + gapMs + " ms after the first");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("shows a lane's in-flight work and the requests of each route group, from the node's own counters")
  void showsLanesAndRouteGroups(Vertx vertx, VertxTestContext testContext) {
    TestNode[] node = new TestNode[1];
    start(vertx, new JsonObject())
      .compose(started -> {
        node[0] = started;
        return EventStream.open(vertx, streams, started.httpPort());
      })
      .compose(answer -> {
        EventStream stream = answer.stream();
        Future<EventStream.Frame> busy = stream.next(view -> named(self(view, node[0]).getJsonArray("lanes"), "name",
          "blocking").getInteger("inFlight") == 1);
        Future<HttpResponse<Buffer>> sync = get(node[0], "/sync?seconds=1.5");
        return busy.compose(frame -> sync)
          .compose(synced -> Future.all(IntStream.range(0, 30).mapToObj(i -> get(node[0], "/hello")).toList()))
          .compose(hellos -> stream.next(view -> {
            JsonObject hello = named(self(view, node[0]).getJsonArray("routes"), "group", "/hello");
            return hello != null && hello.getLong("total") >= 30;
          }));
      })
      .onComplete(testContext.succeeding(frame -> testContext.verify(() -> {
        JsonObject snapshot = self(frame.view(), node[0]);
        JsonObject hello = named(snapshot.getJsonArray("routes"), "group", "/hello");
        assertNotNull(hello.getValue("p99Ms"), hello.encode());
        assertTrue(hello.getDouble("p99Ms") > 0, hello.encode());
        assertTrue(hello.getDouble("perSecond") > 0, hello.encode());
        JsonObject sync = named(snapshot.getJsonArray("routes"), "group", "/sync");
        assertEquals(1, sync.getLong("total"), sync.encode());
        assertEquals(1, named(snapshot.getJsonArray("lanes"), "name", "blocking").getLong("admitted"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("counts tasks and jobs by state, and names the node that ran each of the last compute jobs")
  void countsTasksAndJobs(Vertx vertx, VertxTestContext testContext) {
    TestNode[] node = new TestNode[1];
    start(vertx, new JsonObject())
      .compose(started -> {
        node[0] = started;
        return EventStream.open(vertx, streams, started.httpPort());
      })
      .compose(answer -> {
        Future<EventStream.Frame> counted = answer.stream().next(view -> {
          JsonObject snapshot = self(view, node[0]);
          return snapshot.getJsonObject("tasks").getLong("done") == 1
            && snapshot.getJsonObject("jobs").getLong("done") == 1 && snapshot.getJsonArray("recentJobs").size() == 2;
        });
        JsonObject job = new JsonObject().put("type", "sum-mod").put("n", 7).put("iterations", 1000);
        return Future.all(get(node[0], "/task/1?seconds=0"), get(node[0], "/process?iterations=1000"),
            client.post(node[0].httpPort(), HOST, "/jobs").sendJsonObject(job))
          .compose(sent -> counted);
      })
      .onComplete(testContext.succeeding(frame -> testContext.verify(() -> {
        JsonObject snapshot = self(frame.view(), node[0]);
        assertEquals(0, snapshot.getJsonObject("tasks").getLong("failed"));
        assertEquals(0, snapshot.getJsonObject("jobs").getLong("running"));
        for (Object run : snapshot.getJsonArray("recentJobs")) {
          JsonObject recent = (JsonObject) run;
          assertEquals(node[0].id(), recent.getString("node"), recent.encode());
          assertEquals("sum-mod", recent.getString("type"));
          assertEquals("done", recent.getString("outcome"));
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses a stream past dashboard.maxClients with 503 and Retry-After, and takes one again once one closes")
  void boundsTheStreams(Vertx vertx, VertxTestContext testContext) {
    TestNode[] node = new TestNode[1];
    EventStream[] first = new EventStream[1];
    start(vertx, new JsonObject().put("dashboard", new JsonObject().put("maxClients", 1)))
      .compose(started -> {
        node[0] = started;
        return EventStream.open(vertx, streams, started.httpPort());
      })
      .compose(accepted -> {
        first[0] = accepted.stream();
        return EventStream.open(vertx, streams, node[0].httpPort());
      })
      .compose(refused -> {
        testContext.verify(() -> {
          assertEquals(503, refused.response().statusCode());
          assertNotNull(refused.response().getHeader("Retry-After"));
          assertEquals("service unavailable", refused.body().toJsonObject().getString("error"));
        });
        first[0].close();
        return io.lanes.support.Await.until(vertx, () -> node[0].services().dashboard().board().openStreams() == 0);
      })
      .compose(freed -> EventStream.open(vertx, streams, node[0].httpPort()))
      .onComplete(testContext.succeeding(again -> testContext.verify(() -> {
        assertEquals(200, again.response().statusCode());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("ends its streams when the node shuts down, so the graceful shutdown does not wait out its grace")
  void endsStreamsOnShutdown(Vertx vertx, VertxTestContext testContext) {
    long graceMs = 10_000;
    TestNode[] node = new TestNode[1];
    EventStream[] stream = new EventStream[1];
    long[] undeployStarted = new long[1];
    start(vertx, new JsonObject().put("shutdown", new JsonObject().put("graceMs", graceMs)))
      .compose(started -> {
        node[0] = started;
        return EventStream.open(vertx, streams, started.httpPort());
      })
      .compose(answer -> {
        stream[0] = answer.stream();
        return stream[0].next();
      })
      .compose(frame -> {
        undeployStarted[0] = System.nanoTime();
        return node[0].undeploy();
      })
      .compose(undeployed -> stream[0].ended())
      .onComplete(testContext.succeeding(ended -> testContext.verify(() -> {
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - undeployStarted[0]);
        assertTrue(tookMs < graceMs / 2, "the shutdown took " + tookMs + " ms with a stream open");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("is not there with dashboard.enabled false: no route, no snapshot on the event bus")
  void offWhenDisabled(Vertx vertx, VertxTestContext testContext) {
    AtomicInteger published = new AtomicInteger();
    vertx.eventBus().consumer(Addresses.DASHBOARD_SNAPSHOTS, message -> published.incrementAndGet());
    start(vertx, new JsonObject().put("dashboard", new JsonObject().put("enabled", false)))
      .compose(node -> get(node, "/dashboard/events")
        .compose(events -> get(node, "/dashboard/").map(page -> List.of(events, page))))
      .compose(answers -> vertx.timer(1500, TimeUnit.MILLISECONDS).map(answers))
      .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
        assertEquals(404, answers.get(0).statusCode());
        assertEquals(404, answers.get(1).statusCode());
        assertEquals(0, published.get());
        testContext.completeNow();
      })));
  }
}
