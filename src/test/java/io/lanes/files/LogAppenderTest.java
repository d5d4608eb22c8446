package io.lanes.files;

import io.lanes.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The log appender")
class LogAppenderTest {

  @TempDir
  Path dataDir;

  private WorkerExecutor executor;

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("writes lines whole and in the order they were accepted")
  void keepsArrivalOrder(Vertx vertx, VertxTestContext testContext) {
    executor = vertx.createSharedWorkerExecutor("log-test", 4);
    LogAppender appender = new LogAppender(dataDir.resolve("log.txt"), executor, 1024 * 1024, false);
    List<Future<Void>> appends = new ArrayList<>();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 2000; i++) {
        appends.add(appender.append("line " + i + "\n"));
      }
      Future.all(appends).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<String> lines = Files.readAllLines(dataDir.resolve("log.txt"));
        assertEquals(2000, lines.size());
        for (int i = 0; i < 2000; i++) {
          assertEquals("line " + i, lines.get(i));
        }
        assertEquals(0, appender.queuedBytes());
        testContext.completeNow();
      })));
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("is failing after a write to a vanished directory, and recovers through a probe once it is back")
  void failsAndRecovers(Vertx vertx, VertxTestContext testContext) throws Exception {
    executor = vertx.createSharedWorkerExecutor("log-test", 1);
    Path dir = dataDir.resolve("gone");
    LogAppender appender = new LogAppender(dir.resolve("log.txt"), executor, 1024 * 1024, false);
    vertx.runOnContext(v -> appender.append("lost\n")
      .onComplete(testContext.failing(failure -> testContext.verify(() -> {
        assertTrue(appender.failing());
        Files.createDirectories(dir);
        Await.until(vertx, () -> {
            appender.probe();
            return !appender.failing();
          })
          .compose(recovered -> appender.append("kept\n"))
          .onComplete(testContext.succeeding(written -> testContext.verify(() -> {
            assertEquals(List.of("kept"), Files.readAllLines(dir.resolve("log.txt")));
            testContext.completeNow();
          })));
      }))));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("writes a line longer than its write buffer whole, between whole lines")
  void writesLongLinesWhole(Vertx vertx, VertxTestContext testContext) {
    executor = vertx.createSharedWorkerExecutor("log-test", 4);
    LogAppender appender = new LogAppender(dataDir.resolve("log.txt"), executor, 4 * 1024 * 1024, false);
    String longLine = "y".repeat(200_000);
    List<Future<Void>> appends = new ArrayList<>();
    vertx.runOnContext(v -> {
      for (int i = 0; i < 3000; i++) {
        appends.add(appender.append((i == 1500 ? longLine : "line " + i) + "\n"));
      }
      Future.all(appends).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<String> lines = Files.readAllLines(dataDir.resolve("log.txt"));
        assertEquals(3000, lines.size());
        assertEquals(longLine, lines.get(1500));
        assertEquals("line 2999", lines.get(2999));
        testContext.completeNow();
      })));
    });
  }

  @Test
  @DisplayName("makes one line of any message: ISO timestamp, then the message as a JSON string")
  void oneLinePerMessage() {
    Instant at = Instant.parse("2025-01-02T03:04:05.678Z");
    assertEquals("2025-01-02T03:04:05.678Z \"two\\nlines \\\"quoted\\\"\"\n", LogAppender.line(at, "two\nlines \"quoted\""));
    assertEquals(1, LogAppender.line(at, "a\r\nb\u2028c").split("\n", -1).length - 1);
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses lines at once past files.logQueueBytes waiting, and writes every line it accepted")
  void boundsWhatWaits(Vertx vertx, VertxTestContext testContext) throws Exception {
    executor = vertx.createSharedWorkerExecutor("log-test", 1);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch blocked = new CountDownLatch(1);
    executor.executeBlocking(() -> {
      blocked.countDown();
      return release.await(10, TimeUnit.SECONDS);
    }, false);
    assertTrue(blocked.await(5, TimeUnit.SECONDS));
    LogAppender appender = new LogAppender(dataDir.resolve("log.txt"), executor, 1024, false);
    String line = "x".repeat(99) + "\n";
    List<Future<Void>> accepted = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      accepted.add(appender.append(line));
    }
    assertThrows(LogFullException.class, () -> appender.append(line));
    assertEquals(1000, appender.queuedBytes());
    release.countDown();
    Future.all(accepted).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertEquals(10, Files.readAllLines(dataDir.resolve("log.txt")).size());
      assertEquals(0, appender.queuedBytes());
      testContext.completeNow();
    })));
  }
}
