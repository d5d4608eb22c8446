package io.lanes.lifecycle;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Background work at shutdown")
class BackgroundWorkTest {

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("drains once every tracked job is done, including one that fails")
  void drainsWhenDone(Vertx vertx, VertxTestContext testContext) {
    BackgroundWork work = new BackgroundWork();
    Promise<String> slow = Promise.promise();
    Promise<String> failing = Promise.promise();
    work.track("a", slow.future());
    work.track("b", failing.future());
    assertEquals(2, work.pending());
    vertx.setTimer(100, id -> failing.fail("boom"));
    vertx.setTimer(200, id -> slow.complete("ok"));
    work.drain(vertx, System.currentTimeMillis() + 5000)
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertTrue(slow.future().isComplete());
        assertEquals(0, work.pending());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stops waiting at the deadline and leaves the unfinished job pending")
  void stopsAtTheDeadline(Vertx vertx, VertxTestContext testContext) {
    BackgroundWork work = new BackgroundWork();
    Promise<String> never = Promise.promise();
    work.track("stuck", never.future());
    work.drain(vertx, System.currentTimeMillis() + 200)
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertFalse(never.future().isComplete());
        assertEquals(1, work.pending());
        testContext.completeNow();
      })));
  }
}
