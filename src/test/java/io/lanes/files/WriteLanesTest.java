package io.lanes.files;

import io.lanes.bus.Codecs;
import io.lanes.config.LanesConfig;
import io.lanes.core.CoreRoutes;
import io.lanes.http.ApiContract;
import io.lanes.http.HttpVerticle;
import io.lanes.lane.AsyncLane;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.support.Await;
import io.lanes.support.NotServedHere;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.PoolOptions;
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

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Where /write runs, how much of it at once, and that the event loop stays free meanwhile. The file routes run in a node
 * composed here from their parts, with writers held half-way at a {@link WriteGate}: how many writes are in progress at
 * once is then a fact, not a race against the disk.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The /write lanes")
class WriteLanesTest {

  private static final long MIB = 1024 * 1024;
  private static final long BYTES = 8 * MIB;

  @TempDir
  Path dataDir;

  private final WriteGate gate = new WriteGate(BYTES / 2);
  private Lanes lanes;
  private int port;
  private WebClient client;

  @AfterEach
  void openTheGate() {
    gate.open();
  }

  /** The file routes and /hello on one HTTP verticle, the writer verticles, both lanes: all built on {@link #gate}. */
  private Future<Void> deploy(Vertx vertx, JsonObject overrides) {
    LanesConfig config = LanesConfig.from(TestNodes.config(dataDir, new JsonObject()
      .put("files", new JsonObject().put("writerInstances", 4))).mergeIn(overrides, true));
    LanesConfig.Files files = config.files();
    Codecs.registerOn(vertx.eventBus());
    lanes = Lanes.from(config);
    BlockingLane blocking = new BlockingLane(lanes.blocking(), vertx.createSharedWorkerExecutor(
      LanesConfig.Blocking.POOL_NAME, config.blocking().poolSize(), 60, TimeUnit.SECONDS));
    ChunkedFileWriter writer = new ChunkedFileWriter(dataDir, files.chunkBytes(), false, false,
      temp -> gate.channel(FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)));
    AsyncFileWriter asyncWriter = new AsyncFileWriter(vertx, dataDir, files.chunkBytes(), false, false,
      temp -> vertx.fileSystem().open(temp, new OpenOptions().setWrite(true).setCreateNew(true)).compose(gate::asyncFile));
    BlockingLane blockingWrites = new BlockingLane(lanes.files(), vertx.createSharedWorkerExecutor(
      WriteModes.BLOCKING_POOL_NAME, files.writerInstances(), 60, TimeUnit.SECONDS));
    WriteModes writes = new WriteModes(vertx.eventBus(), lanes.files(), blockingWrites,
      new AsyncLane(vertx, lanes.files(), files.asyncWrites()), writer, asyncWriter, files.writeTimeoutMs());
    FileRoutes.Limits limits = new FileRoutes.Limits(files.defaultBytes(), files.maxBytes(), false);
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(16));
    HttpVerticle[] front = new HttpVerticle[1];
    return vertx.deployVerticle(() -> new FileWriterVerticle(writer, files.maxBytes()),
        FileWriterVerticle.deploymentOptions(files))
      .compose(id -> ApiContract.load(vertx, Map.of()))
      .compose(contract -> {
        front[0] = new HttpVerticle(config.http(), config.shutdown(), new Readiness(), contract, instance -> List.of(
          new CoreRoutes(instance, blocking, 1, 1),
          new FileRoutes(writes, LogAppender.create(vertx, files), new BackgroundWork(), limits),
          new NotServedHere()));
        return vertx.deployVerticle(front[0]);
      })
      .onSuccess(id -> port = front[0].actualPort())
      .mapEmpty();
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(port, "127.0.0.1", uri).send();
  }

  private List<Future<HttpResponse<Buffer>>> writes(int count, String mode) {
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      writes.add(get("/write?mode=" + mode + "&bytes=" + BYTES));
    }
    return writes;
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("runs 8 concurrent blocking-mode writes from one HTTP verticle in parallel on lanes-files-blocking, not one after another")
  void blockingWritesRunInParallel(Vertx vertx, VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    deploy(vertx, new JsonObject().put("files", new JsonObject().put("writerInstances", 8)))
      .compose(v -> {
        writes.addAll(writes(8, "blocking"));
        // All 8 half-way at one moment: their run intervals overlap. Ordered executeBlocking would hold 1 at a time.
        return Await.until(vertx, () -> gate.held() == 8);
      })
      .compose(allWriting -> {
        testContext.verify(() -> assertOnPool(WriteModes.BLOCKING_POOL_NAME, 8));
        gate.open();
        return Future.all(writes);
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertAllWrote(writes, "blocking");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 worker-mode writes are in progress on the writer verticles")
  void helloAnswersDuringWorkerWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, testContext, "worker", FileWriterVerticle.POOL_NAME))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 blocking-mode writes are in progress on the files-blocking pool")
  void helloAnswersDuringBlockingWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, testContext, "blocking", WriteModes.BLOCKING_POOL_NAME))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps /hello answering while 4 async-mode writes are in progress on the same event loop")
  void helloAnswersDuringAsyncWrites(Vertx vertx, VertxTestContext testContext) {
    deploy(vertx, new JsonObject())
      .compose(v -> helloDuringWrites(vertx, testContext, "async", "vert.x-eventloop-thread-"))
      .onComplete(testContext.succeedingThenComplete());
  }

  /** Starts 4 writes and holds them half-way; /hello must answer meanwhile; then they all finish. */
  private Future<Void> helloDuringWrites(Vertx vertx, VertxTestContext testContext, String mode, String threadPrefix) {
    List<Future<HttpResponse<Buffer>>> writes = writes(4, mode);
    return Await.until(vertx, () -> gate.held() == 4)
      .compose(v -> get("/hello"))
      .compose(hello -> {
        testContext.verify(() -> {
          assertEquals(200, hello.statusCode());
          assertEquals("Hello world", hello.bodyAsJsonObject().getString("message"));
          assertTrue(writes.stream().noneMatch(Future::isComplete), "a held write answered");
          assertOnPool(threadPrefix, mode.equals("async") ? 1 : 4);
          // Writer threads yield to the event loops (io.lanes.lane.WorkThreads); an event loop is never lowered.
          assertEquals(Set.of(mode.equals("async") ? Thread.NORM_PRIORITY : Thread.MIN_PRIORITY), gate.priorities(),
            "the Java priority of the threads writing");
        });
        gate.open();
        return Future.all(writes);
      })
      .map(all -> {
        assertAllWrote(writes, mode);
        return null;
      });
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses a write with 503 and Retry-After at once when the files lane is full")
  void refusesWhenTheFilesLaneIsFull(Vertx vertx, VertxTestContext testContext) {
    JsonObject oneWriter = new JsonObject().put("files", new JsonObject().put("writerInstances", 1).put("queueLimit", 0));
    List<Future<HttpResponse<Buffer>>> admitted = new ArrayList<>();
    deploy(vertx, oneWriter)
      .compose(v -> {
        admitted.addAll(writes(1, "worker"));
        return Await.until(vertx, () -> gate.held() == 1);
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
        gate.open();
      })))
      .compose(v -> admitted.get(0))
      .onComplete(testContext.succeeding(write -> testContext.verify(() -> {
        assertEquals(200, write.statusCode());
        assertEquals(0, lanes.files().inFlight());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps a worker-mode write's slot until its writer stops, after answering 504 at files.writeTimeoutMs")
  void holdsTheSlotWhileTheWriterReallyWrites(Vertx vertx, VertxTestContext testContext) {
    JsonObject oneWriter = new JsonObject().put("files", new JsonObject().put("writerInstances", 1).put("writeTimeoutMs", 300));
    List<Future<HttpResponse<Buffer>>> writes = new ArrayList<>();
    deploy(vertx, oneWriter)
      .compose(v -> {
        writes.addAll(writes(1, "worker"));
        return Await.until(vertx, () -> gate.held() == 1);
      })
      .compose(held -> writes.get(0))
      .compose(timedOut -> {
        testContext.verify(() -> {
          assertEquals(504, timedOut.statusCode(), timedOut.bodyAsString());
          // The caller was answered, but the writer still has the write in hand: so does the lane.
          assertEquals(1, gate.held());
          assertEquals(1, lanes.files().inFlight(), "the lane freed a slot its writer still holds");
        });
        gate.open();
        // Past its deadline, the writer stops at the next chunk, deletes its temp file and answers: the slot is freed.
        return Await.until(vertx, () -> lanes.files().inFlight() == 0);
      })
      .onComplete(testContext.succeeding(freed -> testContext.verify(() -> {
        assertEquals(List.of(), ChunkedFileWriterTest.list(dataDir), "the stopped write left no temp file");
        testContext.completeNow();
      })));
  }

  /** The held writes ran on {@code count} threads, all of them named {@code prefix...}. */
  private void assertOnPool(String prefix, int count) {
    assertEquals(count, gate.threads().size(), gate.threads().toString());
    assertTrue(gate.threads().stream().allMatch(thread -> thread.startsWith(prefix)), gate.threads().toString());
  }

  private void assertAllWrote(List<Future<HttpResponse<Buffer>>> writes, String mode) {
    for (Future<HttpResponse<Buffer>> write : writes) {
      assertEquals(200, write.result().statusCode(), write.result().bodyAsString());
      assertEquals(BYTES, write.result().bodyAsJsonObject().getLong("bytes"));
      assertEquals(mode, write.result().bodyAsJsonObject().getString("mode"));
    }
    try {
      assertEquals(List.of(), ChunkedFileWriterTest.list(dataDir), "scratch files are deleted");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
