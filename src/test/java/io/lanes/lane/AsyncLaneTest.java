package io.lanes.lane;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The async lane (async writes, a few at a time)")
class AsyncLaneTest {

  private static Lane lane(long maxWaitMs) {
    return new Lane("files", () -> 4, maxWaitMs, 10_000, 1000, Lane.WaitRecorder.NONE);
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("has at most its concurrency under way; the others start in order of arrival as places free")
  void boundsWhatIsUnderWay(Vertx vertx, VertxTestContext testContext) {
    Lane lane = lane(60_000);
    AsyncLane async = new AsyncLane(vertx, lane, 2);
    List<Integer> started = new ArrayList<>();
    List<Promise<Integer>> held = new ArrayList<>();
    AtomicInteger mostUnderWay = new AtomicInteger();
    vertx.runOnContext(v -> {
      List<Future<Integer>> results = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        int item = i;
        results.add(async.submit(() -> {
          started.add(item);
          mostUnderWay.accumulateAndGet(async.underWay(), Math::max);
          Promise<Integer> promise = Promise.promise();
          held.add(promise);
          return promise.future();
        }));
      }
      // Both places taken, three admitted items waiting; each finish lets the first waiting one start.
      vertx.timer(50, TimeUnit.MILLISECONDS)
        .compose(t -> {
          testContext.verify(() -> {
            assertEquals(List.of(0, 1), started);
            assertEquals(2, async.underWay());
            assertEquals(3, async.waiting());
            assertEquals(5, lane.inFlight());
          });
          return release(vertx, held, 0);
        })
        .compose(t -> release(vertx, held, 1))
        .compose(t -> release(vertx, held, 2))
        .compose(t -> release(vertx, held, 3))
        .compose(t -> release(vertx, held, 4))
        .compose(t -> Future.all(results))
        .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
          assertEquals(List.of(0, 1, 2, 3, 4), started);
          assertEquals(List.of(0, 1, 2, 3, 4), all.<Integer>list());
          assertEquals(2, mostUnderWay.get(), "never more than 2 under way");
          assertEquals(0, async.underWay());
          assertEquals(0, async.waiting());
          assertEquals(0, lane.inFlight());
          testContext.completeNow();
        })));
    });
  }

  /** Completes item {@code index} (it must have started), then lets the loop run what that freed. */
  private static Future<Void> release(Vertx vertx, List<Promise<Integer>> held, int index) {
    return vertx.timer(10, TimeUnit.MILLISECONDS).compose(t -> {
      held.get(index).complete(index);
      return vertx.timer(10, TimeUnit.MILLISECONDS).mapEmpty();
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses at its turn, without running it, an item that waited for its place past the lane's budget")
  void refusesWhatWaitedTooLong(Vertx vertx, VertxTestContext testContext) {
    Lane lane = lane(50);
    AsyncLane async = new AsyncLane(vertx, lane, 1);
    Promise<String> first = Promise.promise();
    AtomicBoolean secondRan = new AtomicBoolean();
    vertx.runOnContext(v -> {
      Future<String> one = async.submit(first::future);
      Future<String> two = async.submit(() -> {
        secondRan.set(true);
        return Future.succeededFuture("ran late");
      });
      // the second waits 200 ms for the first, four times its budget
      vertx.timer(200, TimeUnit.MILLISECONDS)
        .compose(t -> {
          first.complete("first");
          return Future.join(one, two);
        })
        .onComplete(joined -> testContext.verify(() -> {
          assertEquals("first", one.result());
          assertTrue(two.failed(), "the late item must be refused");
          LaneFullException refusal = assertInstanceOf(LaneFullException.class, two.cause());
          assertEquals(LaneFullException.Reason.WAITED, refusal.reason());
          assertFalse(secondRan.get(), "the late item must never run");
          assertEquals(1, lane.rejected());
          assertEquals(0, lane.inFlight());
          assertEquals(0, async.underWay());
          testContext.completeNow();
        }));
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("frees its place when the work throws or fails, and the next item runs")
  void freesItsPlaceOnFailure(Vertx vertx, VertxTestContext testContext) {
    Lane lane = lane(60_000);
    AsyncLane async = new AsyncLane(vertx, lane, 1);
    vertx.runOnContext(v -> {
      Future<String> thrown = async.submit(() -> {
        throw new IllegalStateException("thrown");
      });
      Future<String> failed = async.submit(() -> Future.failedFuture(new IllegalStateException("failed")));
      Future<String> fine = async.submit(() -> Future.succeededFuture("fine"));
      Future.join(thrown, failed, fine).onComplete(joined -> testContext.verify(() -> {
        assertEquals("thrown", thrown.cause().getMessage());
        assertEquals("failed", failed.cause().getMessage());
        assertEquals("fine", fine.result());
        assertEquals(0, async.underWay());
        assertEquals(0, lane.inFlight());
        testContext.completeNow();
      }));
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("starts each item on the event loop that submitted it, whichever loop freed its place")
  void startsOnTheSubmittersLoop(Vertx vertx, VertxTestContext testContext) {
    Lane lane = lane(60_000);
    AsyncLane async = new AsyncLane(vertx, lane, 1);
    Context loopA = vertx.getOrCreateContext();
    Context loopB = vertx.getOrCreateContext();
    Promise<Context> first = Promise.promise();
    Promise<Future<Context>> second = Promise.promise();
    loopA.runOnContext(v -> {
      async.submit(() -> {
        Context here = Vertx.currentContext();
        // finished from A's loop, once B's item waits
        vertx.timer(50, TimeUnit.MILLISECONDS).onComplete(t -> first.complete(here));
        return first.future();
      });
      loopB.runOnContext(w -> second.complete(async.submit(() -> Future.succeededFuture(Vertx.currentContext()))));
    });
    second.future().compose(ranOn -> Future.join(first.future(), ranOn).map(ranOn))
      .onComplete(testContext.succeeding(ranOn -> testContext.verify(() -> {
        assertSame(loopA, first.future().result());
        assertSame(loopB, ranOn.result());
        testContext.completeNow();
      })));
  }
}
