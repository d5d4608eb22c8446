package io.lanes.files;

import io.lanes.bus.Addresses;
import io.lanes.bus.Codecs;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.WriteDone;
import io.lanes.bus.WriteRequest;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.ThreadingModel;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The writer verticle on its own: what it does with a request it takes too late, and with one it takes in time. */
@ExtendWith(VertxExtension.class)
@DisplayName("The file writer verticle")
class FileWriterVerticleTest {

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses a write it takes after its start-by moment with BUSY, unwritten, and writes one taken in time")
  void refusesAWriteTakenPastItsStartBy(Vertx vertx, VertxTestContext testContext) {
    Codecs.registerOn(vertx.eventBus());
    AtomicInteger opened = new AtomicInteger();
    ChunkedFileWriter writer = new ChunkedFileWriter(dataDir, 4096, false, false, temp -> {
      opened.incrementAndGet();
      return java.nio.channels.FileChannel.open(temp, java.nio.file.StandardOpenOption.CREATE_NEW,
        java.nio.file.StandardOpenOption.WRITE);
    });
    long now = System.currentTimeMillis();
    WriteRequest late = new WriteRequest(10_000, now - 3_000, now - 1_000, now + 60_000);
    WriteRequest onTime = new WriteRequest(10_000, now, now + 60_000, now + 60_000);
    vertx.deployVerticle(() -> new FileWriterVerticle(writer, 1 << 20),
        new DeploymentOptions().setThreadingModel(ThreadingModel.WORKER).setWorkerPoolName("test-writer"))
      .compose(id -> vertx.eventBus().<WriteDone>request(Addresses.FILES_WRITE, late)
        .map(reply -> (Throwable) new AssertionError("a late write was answered " + reply.body()))
        .otherwise(failure -> failure))
      .compose(failure -> {
        testContext.verify(() -> {
          ReplyException refusal = assertInstanceOf(ReplyException.class, failure);
          assertEquals(FailureCodes.BUSY, refusal.failureCode(), refusal.getMessage());
          assertTrue(refusal.getMessage().contains("past the files lane's budget"), refusal.getMessage());
          assertEquals(0, opened.get(), "the late write opened no file");
        });
        return vertx.eventBus().<WriteDone>request(Addresses.FILES_WRITE, onTime).map(Message::body);
      })
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertEquals(10_000, done.bytes());
        assertEquals(1, opened.get());
        assertEquals(0, leftovers(), "the scratch write is deleted once written");
        testContext.completeNow();
      })));
  }

  private long leftovers() throws IOException {
    try (Stream<Path> files = Files.list(dataDir)) {
      return files.count();
    }
  }
}
