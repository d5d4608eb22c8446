package io.lanes.files;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
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
import java.util.List;
import java.util.concurrent.TimeUnit;

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
  @DisplayName("never has more than a few chunks queued in the file, however large the write")
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
        // The file's drain handler runs just before the callback of the write that freed the queue: one more counted.
        int bound = AsyncFileWriter.QUEUED_CHUNKS + 1;
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
