package io.lanes.support;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The guard itself: it records a blocking call on a loop, and tells a verticle's start-up apart by its allowance. */
@ExtendWith(VertxExtension.class)
@DisplayName("The blocked-event-loop guard")
@BlocksEventLoopOnPurpose("the guard's own test blocks loops to see what it records")
class NoBlockedEventLoopsTest {

  /** A verticle whose start holds its loop {@code millis} (a blocking call in start-up). */
  private static final class SlowStart extends VerticleBase {
    private final long millis;

    SlowStart(long millis) {
      this.millis = millis;
    }

    @Override
    public Future<?> start() throws InterruptedException {
      Thread.sleep(millis);
      return Future.succeededFuture();
    }
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("records a blocking call on a loop, naming the thread and where it blocked")
  void recordsABlockingCall(Vertx vertx, VertxTestContext testContext) {
    vertx.runOnContext(block -> {
      try {
        Thread.sleep(700);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    Await.until(vertx, () -> !NoBlockedEventLoops.recorded().isEmpty())
      .onComplete(testContext.succeeding(seen -> testContext.verify(() -> {
        String first = NoBlockedEventLoops.recorded().get(0);
        assertTrue(first.contains("vert.x-eventloop-thread"), first);
        assertTrue(first.contains("Thread.sleep"), "the warning shows where: " + first);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("lets a verticle's start hold its loop within the start-up allowance, and records it past that")
  void startUpAllowance(Vertx vertx, VertxTestContext testContext) {
    long within = NoBlockedEventLoops.START_UP_LIMIT_MS / 2;
    long past = NoBlockedEventLoops.START_UP_LIMIT_MS + 400;
    vertx.deployVerticle(new SlowStart(within))
      // one more check interval after the start, so a late warning about it would be in
      .compose(id -> vertx.timer(300, TimeUnit.MILLISECONDS))
      .onComplete(testContext.succeeding(quiet -> testContext.verify(() ->
        assertEquals(0, NoBlockedEventLoops.recorded().size(), "within the allowance: " + NoBlockedEventLoops.recorded()))))
      .compose(quiet -> vertx.deployVerticle(new SlowStart(past)))
      .compose(id -> Await.until(vertx, () -> !NoBlockedEventLoops.recorded().isEmpty()))
      .onComplete(testContext.succeedingThenComplete());
  }
}
