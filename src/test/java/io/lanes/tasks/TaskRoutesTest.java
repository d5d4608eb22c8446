package io.lanes.tasks;

import io.lanes.support.TestNode;
import io.lanes.lifecycle.DrainingException;
import io.lanes.support.Await;
import io.lanes.support.LogCapture;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Background tasks over HTTP")
class TaskRoutesTest {

  @TempDir
  Path dataDir;

  private final CountDownLatch release = new CountDownLatch(1);
  /** A task body that holds its worker until the test releases it. */
  private final TaskBody blocked = release::await;
  private final LogCapture log = LogCapture.of(TaskRunner.class);
  private TestNode node;
  private WebClient client;

  @AfterEach
  void releaseBlockedTasks() {
    release.countDown();
    log.close();
  }

  private Future<String> deploy(Vertx vertx, JsonObject tasks) {
    node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject().put("tasks", tasks)));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    return TestNodes.deploy(vertx, node);
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  /** The stored state name of task {@code id} (the local registry answers at once), or null when unknown. */
  private String stateOf(String id) {
    JsonObject state = node.tasks().state(id).result();
    return state == null ? null : state.getString("state");
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 202 with Location at once; the task goes queued -> running -> done and logs its start and end")
  void acceptsAndRunsATask(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("maxRunning", 1).put("maxQueued", 4))
      // The only worker is busy, so task 1 is certainly still queued when we look.
      .compose(id -> node.tasks().submit("100", blocked))
      .compose(busy -> get("/task/1?seconds=1"))
      .onComplete(testContext.succeeding(accepted -> testContext.verify(() -> {
        assertEquals(202, accepted.statusCode());
        assertEquals("/tasks/1", accepted.getHeader("Location"));
        assertEquals("Task 1 is running in the background.", accepted.bodyAsJsonObject().getString("message"));
      })))
      .compose(accepted -> get("/tasks/1"))
      .onComplete(testContext.succeeding(queued -> testContext.verify(() -> {
        JsonObject state = queued.bodyAsJsonObject();
        assertEquals(200, queued.statusCode());
        assertEquals("1", state.getString("id"));
        assertEquals("queued", state.getString("state"));
        assertNotNull(state.getString("submitted_at"));
        assertTrue(state.containsKey("started_at") && state.getValue("started_at") == null);
        release.countDown();
      })))
      .compose(queued -> Await.until(vertx, () -> "running".equals(stateOf("1"))))
      .compose(running -> get("/tasks/1"))
      .onComplete(testContext.succeeding(running -> testContext.verify(() -> {
        assertEquals("running", running.bodyAsJsonObject().getString("state"));
        assertNotNull(running.bodyAsJsonObject().getString("started_at"));
      })))
      .compose(running -> Await.until(vertx, () -> "done".equals(stateOf("1"))))
      .compose(done -> get("/tasks/1"))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        JsonObject state = done.bodyAsJsonObject();
        assertEquals("done", state.getString("state"));
        assertNotNull(state.getString("started_at"));
        assertNotNull(state.getString("finished_at"));
        assertNull(state.getValue("error"));
        List<String> lines = log.messages();
        int started = lines.indexOf("Starting Task 1");
        int finished = lines.indexOf("Finished Task 1");
        assertTrue(started >= 0 && finished > started, lines.toString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("forgets finished tasks past tasks.retentionCount, oldest first: GET /tasks/{id} is 404 for them")
  void forgetsFinishedTasksPastTheRetention(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("maxRunning", 1).put("retentionCount", 2))
      .compose(id -> runToTheEnd(vertx, "1"))
      .compose(v -> runToTheEnd(vertx, "2"))
      .compose(v -> get("/tasks/1"))
      .onComplete(testContext.succeeding(kept -> testContext.verify(() -> {
        assertEquals(200, kept.statusCode(), "two finished tasks are within the retention");
        assertEquals("done", kept.bodyAsJsonObject().getString("state"));
      })))
      .compose(v -> runToTheEnd(vertx, "3"))
      .compose(v -> Future.all(get("/tasks/1"), get("/tasks/2"), get("/tasks/3")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        HttpResponse<Buffer> oldest = all.resultAt(0);
        assertEquals(404, oldest.statusCode(), oldest.bodyAsString());
        assertEquals("unknown task", oldest.bodyAsJsonObject().getString("error"));
        assertEquals("done", all.<HttpResponse<Buffer>>resultAt(1).bodyAsJsonObject().getString("state"));
        assertEquals("done", all.<HttpResponse<Buffer>>resultAt(2).bodyAsJsonObject().getString("state"));
        testContext.completeNow();
      })));
  }

  /** Submits task {@code id} of 0 s through the route and waits until it is done. */
  private Future<Void> runToTheEnd(Vertx vertx, String id) {
    return get("/task/" + id + "?seconds=0")
      .compose(accepted -> accepted.statusCode() == 202
        ? Await.until(vertx, () -> "done".equals(stateOf(id)))
        : Future.failedFuture("task " + id + " refused: " + accepted.bodyAsString()));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 409 for an id that is queued or running, and accepts it again once it finished")
  void refusesAnActiveIdOnly(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(id -> node.tasks().submit("5", blocked))
      .compose(active -> get("/task/5?seconds=0"))
      .onComplete(testContext.succeeding(conflict -> testContext.verify(() -> {
        assertEquals(409, conflict.statusCode());
        JsonObject detail = conflict.bodyAsJsonObject().getJsonObject("detail");
        assertEquals("5", detail.getString("id"));
        release.countDown();
      })))
      .compose(conflict -> Await.until(vertx, () -> "done".equals(stateOf("5"))))
      .compose(done -> get("/task/005?seconds=0"))
      .onComplete(testContext.succeeding(again -> testContext.verify(() -> {
        assertEquals(202, again.statusCode());
        assertEquals("/tasks/5", again.getHeader("Location"), "ids are canonical integers");
      })))
      .compose(again -> Await.until(vertx, () -> "done".equals(stateOf("5"))))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 400 naming task_id or seconds, and 404 for an unknown task")
  void rejectsBadInput(Vertx vertx, VertxTestContext testContext) {
    Map<String, String> badParameter = Map.of(
      "/task/abc", "task_id",
      "/task/-1", "task_id",
      "/task/1.5", "task_id",
      "/task/1234567890123456789", "task_id",
      "/task/1?seconds=abc", "seconds",
      "/task/1?seconds=-1", "seconds",
      "/task/1?seconds=301", "seconds");
    List<String> unknown = List.of("/tasks/999", "/tasks/nope");
    Map<String, Future<HttpResponse<Buffer>>> answers = new HashMap<>();
    deploy(vertx, new JsonObject().put("maxSeconds", 300))
      .compose(id -> {
        badParameter.keySet().forEach(uri -> answers.put(uri, get(uri)));
        unknown.forEach(uri -> answers.put(uri, get(uri)));
        return Future.all(List.copyOf(answers.values()));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        badParameter.forEach((uri, parameter) -> {
          HttpResponse<Buffer> response = answers.get(uri).result();
          assertEquals(400, response.statusCode(), uri);
          assertEquals("bad parameter: " + parameter, response.bodyAsJsonObject().getString("error"), uri);
        });
        for (String uri : unknown) {
          HttpResponse<Buffer> response = answers.get(uri).result();
          assertEquals(404, response.statusCode(), uri);
          assertEquals("unknown task", response.bodyAsJsonObject().getString("error"), uri);
        }
        assertNull(stateOf("1"), "no rejected request may leave a task behind");
        assertEquals(0, node.lanes().tasks().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers 503 with Retry-After past maxRunning + maxQueued, keeps the loop free, and admits again after")
  void refusesPastTheBound(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("maxRunning", 1).put("maxQueued", 1))
      .compose(id -> Future.all(node.tasks().submit("1", blocked), node.tasks().submit("2", blocked)))
      .compose(full -> Future.all(get("/task/3?seconds=0"), get("/resource"), get("/hello")))
      .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
        HttpResponse<Buffer> task = answers.resultAt(0);
        assertEquals(503, task.statusCode());
        assertEquals("1", task.getHeader("Retry-After"));
        assertEquals("tasks", task.bodyAsJsonObject().getJsonObject("detail").getString("lane"));
        HttpResponse<Buffer> resource = answers.resultAt(1);
        assertEquals(503, resource.statusCode());
        assertEquals("1", resource.getHeader("Retry-After"));
        assertEquals(200, answers.<HttpResponse<Buffer>>resultAt(2).statusCode(), "the loop answers while tasks hold the pool");
        assertNull(stateOf("3"));
        assertEquals("running", stateOf("1"));
        assertEquals("queued", stateOf("2"));
        release.countDown();
      })))
      .compose(refused -> Await.until(vertx, () -> node.lanes().tasks().inFlight() == 0))
      .compose(free -> get("/task/3?seconds=0"))
      .onComplete(testContext.succeeding(admitted -> testContext.verify(() -> {
        assertEquals(202, admitted.statusCode());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("ends a throwing task failed with its error, and the next task still runs")
  void failingTaskIsRecorded(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("maxRunning", 1))
      .compose(id -> node.tasks().submit("7", () -> {
        throw new IllegalStateException("disk on fire");
      }))
      .compose(accepted -> Await.until(vertx, () -> "failed".equals(stateOf("7"))))
      .compose(failed -> get("/tasks/7"))
      .onComplete(testContext.succeeding(failed -> testContext.verify(() -> {
        JsonObject state = failed.bodyAsJsonObject();
        assertEquals("failed", state.getString("state"));
        assertEquals("IllegalStateException: disk on fire", state.getString("error"));
        assertNotNull(state.getString("finished_at"));
      })))
      .compose(failed -> get("/task/8?seconds=0"))
      .compose(accepted -> Await.until(vertx, () -> "done".equals(stateOf("8"))))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertEquals(0, node.lanes().tasks().inFlight());
        assertTrue(log.contains("Finished Task 8"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers /resource at once and runs one task tracked for the shutdown drain")
  void resourceStartsATrackedTask(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("defaultSeconds", 1))
      .compose(id -> get("/resource"))
      .onComplete(testContext.succeeding(started -> testContext.verify(() -> {
        assertEquals(200, started.statusCode());
        assertEquals(new JsonObject().put("message", "Thread started"), started.bodyAsJsonObject());
        assertEquals(1, node.background().pending(), "answered before it ran, and tracked");
      })))
      .compose(started -> Await.until(vertx, () -> node.background().pending() == 0))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertTrue(log.contains("Starting Task resource-1"), log.messages().toString());
        assertTrue(log.contains("Finished Task resource-1"), log.messages().toString());
        assertEquals("done", stateOf("resource-1"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses new tasks with 503 once the node is draining")
  void refusesWhileDraining(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(id -> {
        node.readiness().drain();
        return get("/task/1?seconds=0");
      })
      .onComplete(testContext.succeeding(refused -> testContext.verify(() -> {
        assertEquals(503, refused.statusCode());
        assertEquals("1", refused.getHeader("Retry-After"));
        assertEquals("draining", refused.bodyAsJsonObject().getString("error"));
        assertNull(stateOf("1"));
      })))
      .compose(refused -> node.tasks().submitUnnamed(TaskBody.sleep(0)))
      .onComplete(testContext.failing(refused -> testContext.verify(() -> {
        assertInstanceOf(DrainingException.class, refused);
        testContext.completeNow();
      })));
  }
}
