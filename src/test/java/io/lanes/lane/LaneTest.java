package io.lanes.lane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("Lane admission")
class LaneTest {

  @Test
  @DisplayName("admits up to its capacity, refuses the next without running it, and frees a slot when work ends")
  void boundsWorkInFlight() {
    Lane lane = new Lane("test", 2, 3);
    Promise<String> first = Promise.promise();
    Promise<String> second = Promise.promise();
    Future<String> a = lane.submit(first::future);
    Future<String> b = lane.submit(second::future);
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> refused = lane.submit(() -> {
      ran.set(true);
      return Future.succeededFuture("never");
    });

    assertTrue(refused.failed());
    LaneFullException full = assertInstanceOf(LaneFullException.class, refused.cause());
    assertEquals("test", full.lane());
    assertEquals(3, full.retryAfterSeconds());
    assertFalse(ran.get(), "refused work must not start");
    assertEquals(2, lane.inFlight());

    first.fail("boom");
    assertTrue(a.failed());
    assertEquals(1, lane.inFlight(), "a failure frees its slot too");
    assertTrue(lane.submit(() -> Future.succeededFuture("ok")).succeeded());
    second.complete("done");
    assertEquals("done", b.result());
    assertEquals(0, lane.inFlight());
    assertEquals(3, lane.admitted());
    assertEquals(1, lane.rejected());
  }

  @Test
  @DisplayName("frees the slot when the work throws before returning a future")
  void releasesOnThrow() {
    Lane lane = new Lane("test", 1, 1);
    Future<Object> thrown = lane.submit(() -> {
      throw new IllegalStateException("bug");
    });
    assertTrue(thrown.failed());
    assertEquals(0, lane.inFlight());
  }
}
