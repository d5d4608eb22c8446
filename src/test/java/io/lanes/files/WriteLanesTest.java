package io.lanes.files;

import io.lanes.support.TestNode;
import io.lanes.support.Await;
import io.lanes.support.TestNodes;
import io.lanes.support.Threads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Where /write runs, how much of it at once, and that the event loop stays free meanwhile. */
@ExtendWith(VertxExtension.class)
@DisplayName("The /write lanes")
class WriteLanesTest {

  /** Counts only the threads this test starts. */
  private final Threads threads = Threads.startedFromNow();

  /** The loop of {@link ChunkedFileWriter#writeChunks}: a thread inside it is writing a file right now. */
  private static final String WRITE_FRAME = "ChunkedFileWriter.writeChunks";
  private static final long MIB = 1024 * 1024;

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;

  /** Small chunks make each write long enough (many system calls) to be caught in flight. */
  private Future<Void> deploy(Vertx vertx, int chunkBytes, JsonObject overrides) {
    JsonObject config = TestNodes.config(dataDir, new JsonObject()
      .put("files", new JsonObject().put("chunkBytes", chunkBytes).put("writerInstances", 4)))
      .mergeIn(overrides, true);
    node = TestNodes.node(vertx, config);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(16));
    return TestNodes.deploy(vertx, node).mapEmpty();
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("runs 8 concurrent blocking-mode writes from one HTTP verticle in parallel, not one after another")
  void blockingWritesRunInParallel(Vertx vertx, VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    deploy(vertx, 512, new JsonObject().put("blocking", new JsonObject().put("poolSize", 8)))
      .compose(v -> {
        for (int i = 0; i < 8; i++) {
          writes.add(get("/write?mode=blocking&bytes=" + 64 * MIB));
        }
        // All 8 inside the write loop at one moment: their intervals overlap. Ordered executeBlocking would show 1.
        return Await.until(vertx, () -> threads.countInside("lanes-blocking", WRITE_FRAME) >= 8);
      })
      .compose(allWriting -> Future.all(writes))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (Future<HttpResponse<Buffer>> write : writes) {
          assertEquals(200, write.result().statusCode(), write.result().bodyAsString());
          assertEquals(64 * MIB, write.result().bodyAsJsonObject().getLong("bytes"));
        }
        assertEquals(List.of(), ChunkedFileWriterTest.list(dataDir), "scratch files are deleted");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 large worker-mode writes are in flight on the writer verticles")
  void helloAnswersDuringWorkerWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, 512, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, "worker", 32 * MIB,
        () -> threads.countInside(FileWriterVerticle.POOL_NAME, WRITE_FRAME) >= 4))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 large blocking-mode writes are in flight on the blocking pool")
  void helloAnswersDuringBlockingWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, 512, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, "blocking", 32 * MIB,
        () -> threads.countInside("lanes-blocking", WRITE_FRAME) >= 4))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 large async-mode writes are in flight on the same event loop")
  void helloAnswersDuringAsyncWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, 64 * 1024, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, "async", 128 * MIB, () -> node.lanes().files().inFlight() == 4))
      .onComplete(testContext.succeedingThenComplete());
  }

  /** Starts 4 writes, waits until all are in flight, then /hello must answer while at least one is still running. */
  private Future<Void> helloDuringWrites(Vertx vertx, String mode, long bytes, BooleanSupplier allWriting) {
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      writes.add(get("/write?mode=" + mode + "&bytes=" + bytes));
    }
    return Await.until(vertx, allWriting)
      .compose(v -> get("/hello"))
      .map(hello -> {
        assertEquals(200, hello.statusCode());
        assertEquals("Hello world", hello.bodyAsJsonObject().getString("message"));
        assertTrue(writes.stream().anyMatch(write -> !write.isComplete()), "/hello waited for the writes");
        return null;
      })
      .compose(v -> Future.all(writes))
      .map(all -> {
        for (Future<HttpResponse<Buffer>> write : writes) {
          assertEquals(200, write.result().statusCode(), write.result().bodyAsString());
          assertEquals(mode, write.result().bodyAsJsonObject().getString("mode"));
        }
        return null;
      });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses a write with 503 and Retry-After at once when the files lane is full")
  void refusesWhenTheFilesLaneIsFull(Vertx vertx, VertxTestContext testContext) {
    JsonObject oneWriter = new JsonObject().put("files", new JsonObject().put("writerInstances", 1).put("queueLimit", 0));
    List<Future<HttpResponse<Buffer>>> admitted = new ArrayList<>();
    deploy(vertx, 512, oneWriter)
      .compose(v -> {
        admitted.add(get("/write?mode=worker&bytes=" + 32 * MIB));
        return Await.until(vertx, () -> threads.countInside(FileWriterVerticle.POOL_NAME, WRITE_FRAME) >= 1);
      })
      .compose(v -> Future.all(get("/write?mode=worker&bytes=10"), get("/write_async?bytes=10")))
      .onComplete(testContext.succeeding(refused -> testContext.verify(() -> {
        for (int i = 0; i < 2; i++) {
          HttpResponse<Buffer> answer = refused.resultAt(i);
          assertEquals(503, answer.statusCode(), answer.bodyAsString());
          assertEquals("1", answer.getHeader("Retry-After"));
          assertEquals("files", answer.bodyAsJsonObject().getJsonObject("detail").getString("lane"));
        }
        assertFalse(admitted.get(0).isComplete(), "the refusal waited for the admitted write");
      })))
      .compose(v -> admitted.get(0))
      .onComplete(testContext.succeeding(write -> testContext.verify(() -> {
        assertEquals(200, write.statusCode());
        assertEquals(0, node.lanes().files().inFlight());
        testContext.completeNow();
      })));
  }
}
