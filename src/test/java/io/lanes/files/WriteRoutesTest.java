package io.lanes.files;

import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The /write routes")
class WriteRoutesTest {

  private static final long MAX_BYTES = 4L * 1024 * 1024;
  private static final long DEFAULT_BYTES = 1000;

  @TempDir
  Path root;

  private Path dataDir;
  private TestNode node;
  private WebClient client;

  private Future<Void> deploy(Vertx vertx, JsonObject overrides) {
    dataDir = root.resolve("data");
    JsonObject files = new JsonObject()
      .put("maxBytes", MAX_BYTES)
      .put("defaultBytes", DEFAULT_BYTES)
      .put("chunkBytes", 4096)
      .put("keep", true);
    node = TestNodes.node(vertx, TestNodes.config(dataDir, new JsonObject().put("files", files)).mergeIn(overrides, true));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    return TestNodes.deploy(vertx, node).mapEmpty();
  }

  private Future<HttpResponse<Buffer>> call(HttpMethod method, String uri) {
    return client.request(method, node.httpPort(), "127.0.0.1", uri).send();
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return call(HttpMethod.GET, uri);
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("write exactly N bytes in every mode and alias, GET or POST, and answer with the time taken")
  void everyModeWritesExactlyNBytes(Vertx vertx, VertxTestContext testContext) {
    JsonObject demo = new JsonObject().put("demo", new JsonObject().put("allowEventLoopBlocking", true));
    Map<String, String> uris = Map.of(
      "/write?bytes=100001", "worker",
      "/write?bytes=100002&mode=worker", "worker",
      "/write?bytes=100003&mode=blocking", "blocking",
      "/write?bytes=100004&mode=async", "async",
      "/write?bytes=100005&mode=event-loop", "event-loop",
      "/write_with_thread?bytes=100006", "blocking",
      "/write_async?bytes=100007", "async",
      "/write_bad?bytes=100008", "event-loop");
    List<String> order = new ArrayList<>(uris.keySet());
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    deploy(vertx, demo)
      .compose(v -> {
        for (int i = 0; i < order.size(); i++) {
          writes.add(call(i % 2 == 0 ? HttpMethod.GET : HttpMethod.POST, order.get(i)));
        }
        return Future.all(writes);
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<Long> expectedSizes = new ArrayList<>();
        for (int i = 0; i < order.size(); i++) {
          HttpResponse<Buffer> response = writes.get(i).result();
          assertEquals(200, response.statusCode(), order.get(i) + " " + response.bodyAsString());
          JsonObject body = response.bodyAsJsonObject();
          long expected = Long.parseLong(order.get(i).replaceAll(".*bytes=(\\d+).*", "$1"));
          expectedSizes.add(expected);
          assertEquals(expected, body.getLong("bytes"), order.get(i));
          assertEquals(uris.get(order.get(i)), body.getString("mode"), order.get(i));
          assertEquals("seconds", body.getString("unit"));
          assertTrue(body.getDouble("waiting_time") >= 0, body.encode());
        }
        List<Long> sizes = new ArrayList<>();
        for (Path file : list(dataDir)) {
          assertTrue(file.getFileName().toString().startsWith(TempFiles.FINAL_PREFIX), file.toString());
          sizes.add(Files.size(file));
        }
        assertEquals(expectedSizes.stream().sorted().toList(), sizes.stream().sorted().toList());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuse the event-loop mode with 403 unless the demo switch is on")
  void refuseEventLoopModeByDefault(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(v -> Future.all(get("/write?bytes=10&mode=event-loop"), get("/write_bad?bytes=10")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (int i = 0; i < 2; i++) {
          HttpResponse<Buffer> refused = all.resultAt(i);
          assertEquals(403, refused.statusCode());
          assertTrue(refused.bodyAsJsonObject().getString("detail").contains("demo.allowEventLoopBlocking"));
        }
        assertEquals(List.of(), list(dataDir));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("use files.defaultBytes without bytes, and answer bad input with 400 or 413 naming the problem")
  void badInput(Vertx vertx, VertxTestContext testContext) {
    Map<String, Integer> cases = Map.ofEntries(
      Map.entry("/write?bytes=abc", 400),
      Map.entry("/write?bytes=", 400),
      Map.entry("/write?bytes=1.5", 400),
      Map.entry("/write?bytes=-1", 400),
      Map.entry("/write?bytes=1e3", 400),
      Map.entry("/write_async?bytes=-5", 400),
      Map.entry("/write?bytes=" + (MAX_BYTES + 1), 413),
      Map.entry("/write_with_thread?bytes=99999999999999999999999999", 413),
      Map.entry("/write?bytes=" + MAX_BYTES + "&mode=turbo", 400),
      Map.entry("/write?mode=", 400));
    List<String> order = new ArrayList<>(cases.keySet());
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    deploy(vertx, new JsonObject())
      .compose(v -> {
        order.forEach(uri -> answers.add(get(uri)));
        answers.add(get("/write"));
        return Future.all(answers);
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (int i = 0; i < order.size(); i++) {
          HttpResponse<Buffer> answer = answers.get(i).result();
          assertEquals(cases.get(order.get(i)), answer.statusCode(), order.get(i) + " " + answer.bodyAsString());
          JsonObject body = answer.bodyAsJsonObject();
          assertNotNull(body.getString("error"), order.get(i));
          String parameter = order.get(i).contains("mode=") ? "mode" : "bytes";
          assertEquals(parameter, body.getJsonObject("detail").getString("parameter"), order.get(i));
        }
        JsonObject modes = answers.get(order.indexOf("/write?mode=")).result().bodyAsJsonObject();
        assertTrue(modes.getJsonObject("detail").getString("problem").contains("worker, blocking, async, event-loop"),
          modes.encode());
        HttpResponse<Buffer> byDefault = answers.get(order.size()).result();
        assertEquals(200, byDefault.statusCode(), byDefault.bodyAsString());
        assertEquals(DEFAULT_BYTES, byDefault.bodyAsJsonObject().getLong("bytes"));
        assertEquals("worker", byDefault.bodyAsJsonObject().getString("mode"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer 503 in every mode when the disk refuses the write, and leave no temp file behind")
  void failedWritesLeaveNothing(Vertx vertx, VertxTestContext testContext) {
    JsonObject demo = new JsonObject().put("demo", new JsonObject().put("allowEventLoopBlocking", true));
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    deploy(vertx, demo)
      .compose(v -> {
        testContext.verify(() -> {
          Files.delete(dataDir);
          Files.writeString(dataDir, "a file where the data directory was");
        });
        for (WriteMode mode : WriteMode.values()) {
          writes.add(get("/write?bytes=100000&mode=" + mode.id()));
        }
        return Future.all(writes);
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (Future<HttpResponse<Buffer>> write : writes) {
          HttpResponse<Buffer> refused = write.result();
          assertEquals(503, refused.statusCode(), refused.bodyAsString());
          assertTrue(refused.bodyAsJsonObject().getString("detail").startsWith("could not write to the data directory"),
            refused.bodyAsString());
          assertTrue(!refused.bodyAsString().contains(root.toString()), "no server path reaches the client");
        }
        try (Stream<Path> everything = Files.walk(root)) {
          assertEquals(List.of(root, dataDir), everything.sorted().toList());
        }
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("create the data directory at deployment when it is missing")
  void createsTheDataDir(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject().put("files", new JsonObject().put("dataDir", root.resolve("a/b/c").toString())))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertTrue(Files.isDirectory(root.resolve("a/b/c")));
        testContext.completeNow();
      })));
  }

  private static List<Path> list(Path dir) throws IOException {
    return ChunkedFileWriterTest.list(dir);
  }
}
