package io.lanes.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The async writer")
class AsyncFileWriterTest {

  private static final int CHUNK = 64 * 1024;

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("writes exactly N bytes and, when kept, renames the file to its final name")
  void writesExactlyNBytes(Vertx vertx, VertxTestContext testContext) {
    long bytes = 3L * CHUNK + 17;
    vertx.runOnContext(v -> new AsyncFileWriter(vertx, dataDir, CHUNK, true, true)
      .write(bytes)
      .onComplete(testContext.succeeding(written -> testContext.verify(() -> {
        assertEquals(bytes, written);
        List<Path> files = ChunkedFileWriterTest.list(dataDir);
        assertEquals(1, files.size(), files.toString());
        assertFalse(TempFiles.isTemp(files.get(0)));
        assertEquals(bytes, Files.size(files.get(0)));
        testContext.completeNow();
      }))));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("has one chunk at a time queued in the file, however large the write (two at once contend on its lock)")
  void keepsTheWriteQueueBounded(Vertx vertx, VertxTestContext testContext) throws IOException {
    long bytes = 64L * 1024 * 1024;
    String file = dataDir.resolve("pumped").toString();
    vertx.runOnContext(v -> vertx.fileSystem()
      .open(file, new OpenOptions().setWrite(true))
      .compose(opened -> {
        AsyncFileWriter.ChunkPump pump = new AsyncFileWriter.ChunkPump(opened, bytes, CHUNK);
        return pump.start()
          .compose(written -> opened.close().map(pump));
      })
      .onComplete(testContext.succeeding(pump -> testContext.verify(() -> {
        // One chunk queued; the file's drain handler runs just before the callback of the write that freed the queue
        // (that write is done by then), so the pump counts one more.
        int bound = 2;
        assertTrue(pump.maxPending() <= bound, "at most " + bound + " chunks in flight, saw " + pump.maxPending());
        assertEquals(bytes, Files.size(Path.of(file)));
        testContext.completeNow();
      }))));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("removes its temp file when the write fails half-way, and reports the failure")
  void removesTempFileOnFailure(Vertx vertx, VertxTestContext testContext) {
    AsyncFileWriter writer = new AsyncFileWriter(vertx, dataDir, CHUNK, false, true);
    vertx.runOnContext(v -> writer
      .writeWith(file -> new AsyncFileWriter.ChunkPump(file, 10L * CHUNK, CHUNK).start()
        .compose(written -> {
          testContext.verify(() -> assertTrue(TempFiles.isTemp(ChunkedFileWriterTest.list(dataDir).get(0))));
          return Future.<Long>failedFuture(new IOException("No space left on device"));
        }))
      .onComplete(testContext.failing(failure -> testContext.verify(() -> {
        assertEquals("No space left on device", failure.getMessage());
        assertEquals(List.of(), ChunkedFileWriterTest.list(dataDir));
        testContext.completeNow();
      }))));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("flushes the file to disk before it is renamed when files.fsync is set, and not otherwise")
  void flushesToDiskWhenConfigured(Vertx vertx, VertxTestContext testContext) {
    AtomicInteger flushes = new AtomicInteger();
    Function<Boolean, Future<Long>> writeWith = fsync -> {
      Path dir = dataDir.resolve("fsync-" + fsync);
      return vertx.fileSystem().mkdir(dir.toString())
        .compose(made -> new AsyncFileWriter(vertx, dir, CHUNK, fsync, true, temp -> vertx.fileSystem()
          .open(temp, new OpenOptions().setWrite(true).setCreateNew(true))
          .map(file -> countingFlushes(file, flushes)))
          .write(3L * CHUNK));
    };
    vertx.runOnContext(v -> writeWith.apply(true)
      .compose(written -> {
        testContext.verify(() -> assertEquals(1, flushes.getAndSet(0), "flushes with files.fsync true"));
        return writeWith.apply(false);
      })
      .onComplete(testContext.succeeding(written -> testContext.verify(() -> {
        assertEquals(0, flushes.get(), "flushes with files.fsync false");
        assertEquals(3L * CHUNK, Files.size(ChunkedFileWriterTest.list(dataDir.resolve("fsync-true")).get(0)));
        testContext.completeNow();
      }))));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("makes a kept file final with one atomic rename, which replaces whatever had the final name")
  void renamesAtomically(Vertx vertx, VertxTestContext testContext) {
    AsyncFileWriter writer = new AsyncFileWriter(vertx, dataDir, CHUNK, false, true);
    vertx.runOnContext(v -> writer
      .writeWith(file -> {
        try {
          Path temp = ChunkedFileWriterTest.list(dataDir).get(0);
          // A stale file under the final name: rename(2) swaps the new file in at once; a copying move would refuse it.
          Files.writeString(TempFiles.finalNameOf(temp), "stale");
        } catch (IOException e) {
          return Future.failedFuture(e);
        }
        return new AsyncFileWriter.ChunkPump(file, 2L * CHUNK, CHUNK).start();
      })
      .onComplete(testContext.succeeding(written -> testContext.verify(() -> {
        List<Path> files = ChunkedFileWriterTest.list(dataDir);
        assertEquals(1, files.size(), files.toString());
        assertFalse(TempFiles.isTemp(files.get(0)));
        assertEquals(2L * CHUNK, Files.size(files.get(0)));
        testContext.completeNow();
      }))));
  }

  /** {@code file}, counting its {@code flush()} calls (the async writer's fsync). */
  private static AsyncFile countingFlushes(AsyncFile file, AtomicInteger flushes) {
    return (AsyncFile) Proxy.newProxyInstance(AsyncFile.class.getClassLoader(), new Class<?>[] {AsyncFile.class},
      (proxy, method, args) -> {
        if (method.getName().equals("flush")) {
          flushes.incrementAndGet();
        }
        try {
          return method.invoke(file, args);
        } catch (InvocationTargetException e) {
          throw e.getCause();
        }
      });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails without leaving anything when the data directory is not a directory")
  void failsOnABadDataDir(Vertx vertx, VertxTestContext testContext) throws IOException {
    Path notADir = Files.writeString(dataDir.resolve("data"), "a file where the data dir should be");
    vertx.runOnContext(v -> new AsyncFileWriter(vertx, notADir, CHUNK, false, false)
      .write(10)
      .onComplete(testContext.failing(failure -> testContext.verify(() -> {
        assertTrue(WriteFailures.isIo(failure), failure.toString());
        assertEquals(List.of(notADir), ChunkedFileWriterTest.list(dataDir));
        testContext.completeNow();
      }))));
  }
}
