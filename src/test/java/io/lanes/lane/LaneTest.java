package io.lanes.lane;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The admission policy on a clock the test moves: no timing, only arithmetic. */
@DisplayName("Lane admission")
class LaneTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<Long> waits = new ArrayList<>();

  /** {@code servers} in parallel, a budget of {@code maxWaitMs}, at most {@code maxQueued} waiting. */
  private Lane lane(int servers, long maxWaitMs, int maxQueued) {
    return new Lane("test", () -> servers, maxWaitMs, maxQueued, 7000, (name, waited) -> waits.add(waited), now::get);
  }

  private void advanceMs(long ms) {
    now.addAndGet(TimeUnit.MILLISECONDS.toNanos(ms));
  }

  /**
   * Keeps the lane's servers busy, each item done {@code serviceMs} after it started, for {@code items} items; the
   * servers are left busy with one item each (returned).
   */
  private List<Lane.Admission> drain(Lane lane, int servers, long serviceMs, int items) {
    List<Lane.Admission> running = new ArrayList<>();
    for (int i = 0; i < servers; i++) {
      running.add(lane.tryAdmit());
    }
    for (int i = 0; i < items; i++) {
      now.addAndGet(TimeUnit.MILLISECONDS.toNanos(serviceMs) / servers);
      running.remove(0).finish();
      running.add(lane.tryAdmit());
    }
    return running;
  }

  /** A lane of 4 servers that measured 400 items/s, then stayed idle for a minute. */
  private Lane idleAfterDraining(long maxWaitMs) {
    Lane lane = lane(4, maxWaitMs, 10_000);
    drain(lane, 4, 10, 200).forEach(Lane.Admission::finish);
    advanceMs(60_000);
    return lane;
  }

  @Test
  @DisplayName("admits a burst that drains within half the budget, then refuses once the expected wait passes it")
  void admitsWhatDrainsWithinTheBudget() {
    Lane lane = lane(4, 1000, 10_000);
    // 4 servers, 10 ms per item: 400 items/s, so half of 1 s of budget holds about 200 waiting items.
    drain(lane, 4, 10, 200);
    assertEquals(400.0, lane.drainPerSecond(), 1.0);
    List<Lane.Admission> admitted = new ArrayList<>();
    Lane.Admission next;
    while ((next = lane.tryAdmit()) != null) {
      admitted.add(next);
    }
    // With the 4 servers busy, (waiting + 1) / 400 <= 0.5 s: 200 waiting admitted (the last starts after 0.5 s).
    assertEquals(200, admitted.size());
    assertEquals(500, lane.expectedWaitMs(), 3);
    assertEquals(1, lane.rejected());
    LaneFullException refusal = lane.refusal();
    assertEquals(LaneFullException.Reason.EXPECTED_WAIT, refusal.reason());
    assertEquals("test", refusal.lane());
    assertTrue(lane.overBudgetForNanos() > 0);
    admitted.forEach(Lane.Admission::finish);
    assertNotNull(lane.tryAdmit(), "room again once the queue drained");
    assertEquals(4 + 1, lane.inFlight(), "the four left running, and the one just admitted");
    assertEquals(0, lane.overBudgetForNanos(), "admitting again ends the refusing spell");
  }

  @Test
  @DisplayName("answers Retry-After from the drain rate: when the queue will be back under the budget")
  void retryAfterFollowsTheDrainRate() {
    Lane lane = lane(1, 100, 10_000);
    drain(lane, 1, 10, 50);
    // 100 items/s, 100 ms of budget (50 ms of target), the server busy: 5 waiting admitted (the fifth starts after 50 ms).
    List<Lane.Admission> admitted = new ArrayList<>();
    Lane.Admission next;
    while ((next = lane.tryAdmit()) != null) {
      admitted.add(next);
    }
    assertEquals(5, admitted.size());
    assertEquals(10, lane.refusal().retryAfterMs(), "one item must drain first: 10 ms at 100 items/s");
    // A slower lane (20 items/s): its next item must also wait for one to drain, which takes longer.
    Lane slower = lane(1, 100, 10_000);
    drain(slower, 1, 50, 30);
    assertEquals(20.0, slower.drainPerSecond(), 0.5);
    assertNotNull(slower.tryAdmit(), "one waiting item starts after 50 ms, the target");
    assertNull(slower.tryAdmit());
    assertEquals(50, slower.refusal().retryAfterMs(), 1);
    assertEquals(1, slower.refusal().retryAfterSeconds(), "the header counts whole seconds, at least 1");
    admitted.forEach(Lane.Admission::finish);
  }

  @Test
  @DisplayName("refuses work that waited past the budget at its turn, never runs it, and frees its slot")
  void refusesWorkThatWaitedTooLong() {
    Lane lane = lane(1, 200, 10_000);
    Lane.Admission late = lane.tryAdmit();
    advanceMs(250);
    LaneFullException refused = assertThrows(LaneFullException.class, late::start);
    assertEquals(LaneFullException.Reason.WAITED, refused.reason());
    assertEquals(250, refused.waitedMs());
    assertEquals(1, lane.rejected(), "counted as refused");
    assertEquals(List.of(TimeUnit.MILLISECONDS.toNanos(250)), waits, "its wait is recorded");
    late.finish();
    assertEquals(0, lane.inFlight());

    Lane.Admission onTime = lane.tryAdmit();
    advanceMs(200);
    onTime.start();
    onTime.finish();
    assertEquals(1, lane.rejected());
  }

  @Test
  @DisplayName("items refused at their turn, here or by a worker elsewhere, free their slots but do not raise the rate")
  void refusedItemsAreNotServed() {
    Lane lane = lane(2, 1000, 10_000);
    List<Lane.Admission> running = drain(lane, 2, 100, 40);
    assertEquals(20.0, lane.drainPerSecond(), 1.0, "2 servers, 100 ms per item");
    List<Lane.Admission> late = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      late.add(lane.tryAdmit());
    }
    // 1.5 s more at 20 items/s, the eight left waiting (others went first), past the budget.
    for (int i = 0; i < 30; i++) {
      advanceMs(50);
      running.remove(0).finish();
      running.add(lane.tryAdmit());
    }
    // Within a few ms, the first four are refused at their turn on this node, the next four by a worker elsewhere.
    for (int i = 0; i < 4; i++) {
      assertThrows(LaneFullException.class, late.get(i)::start);
      late.get(i).finish();
    }
    for (int i = 4; i < 8; i++) {
      late.get(i).refusedElsewhere();
      late.get(i).finish();
    }
    assertEquals(8, lane.rejected(), "all eight counted as refused");
    assertEquals(2, lane.inFlight(), "their slots freed");
    // Counted as served, the eight would make it 48 items in the 2 s window: 24 a second.
    assertEquals(20.0, lane.drainPerSecond(), 1.0, "the rate counts served items only");
    assertEquals(8, waits.stream().filter(w -> w >= TimeUnit.MILLISECONDS.toNanos(1500)).count(),
      "their waits are recorded");
    running.forEach(Lane.Admission::finish);
  }

  @Test
  @DisplayName("counts only items that end busy time: a few served one at a time before a burst do not raise its rate")
  void itemsServedWhileServersIdleDoNotCount() {
    Lane lane = lane(2, 1000, 10_000);
    for (int i = 0; i < 5; i++) {
      Lane.Admission alone = lane.tryAdmit();
      advanceMs(20);
      alone.finish();
    }
    // The burst: four at once on the two servers, 100 ms per item, two done after the first 100 ms.
    List<Lane.Admission> burst = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      burst.add(lane.tryAdmit());
    }
    advanceMs(100);
    burst.remove(0).finish();
    burst.remove(0).finish();
    // Counted, the five before would make it 7 items in 100 ms of busy time: 70 a second.
    assertEquals(20.0, lane.drainPerSecond(), 0.5, "two served in 100 ms of two busy servers");
    burst.forEach(Lane.Admission::finish);
  }

  @Test
  @DisplayName("closes the door once every item that started over an interval waited past the target, whatever the rate")
  void refusesWhileTheMeasuredQueueDelayIsOverTheTarget() {
    Lane lane = lane(1, 1000, 10_000);
    drain(lane, 1, 10, 50);
    // 100 items/s: a target of 500 ms admits 49 waiting items behind the running one.
    List<Lane.Admission> queued = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      queued.add(lane.tryAdmit());
    }
    // The queue moves far slower than the rate says: the items start only 600 ms later.
    advanceMs(600);
    queued.get(0).start();
    queued.get(1).start();
    advanceMs(Lane.SOJOURN_INTERVAL_MS);
    queued.get(2).start();
    assertTrue(lane.drainPerSecond() > 10, "the rate alone still says there is room: " + lane.drainPerSecond());
    assertNull(lane.tryAdmit(), "every start of the last interval waited 600 ms, past the 500 ms target");
    assertEquals(LaneFullException.Reason.EXPECTED_WAIT, lane.refusal().reason());
    // One start within the target in the next interval opens the door again.
    Lane.Admission fresh = queued.get(3);
    advanceMs(Lane.SOJOURN_INTERVAL_MS);
    fresh.startedAfter(100);
    advanceMs(Lane.SOJOURN_INTERVAL_MS);
    assertNotNull(lane.tryAdmit(), "the last interval held a start that waited 100 ms");
    // With no start for over an interval (the queue emptied), the old delay says nothing any more.
    Lane quiet = lane(1, 1000, 10_000);
    drain(quiet, 1, 10, 50);
    Lane.Admission slow = quiet.tryAdmit();
    advanceMs(700);
    slow.start();
    advanceMs(Lane.SOJOURN_INTERVAL_MS);
    assertNull(quiet.tryAdmit());
    advanceMs(3 * Lane.SOJOURN_INTERVAL_MS);
    assertNotNull(quiet.tryAdmit(), "no start in the last interval: the door is the rate's again");
  }

  @Test
  @DisplayName("admits at most one waiting item per server until it has measured its drain rate")
  void boundsTheQueueUntilTheRateIsKnown() {
    Lane lane = lane(2, 60_000, 10_000);
    for (int i = 0; i < 4; i++) {
      assertNotNull(lane.tryAdmit(), "2 running + 2 waiting");
    }
    assertNull(lane.tryAdmit());
    assertEquals(-1, lane.expectedWaitMs(), "no rate yet");
    assertEquals(7000, lane.refusal().retryAfterMs(), "the configured Retry-After while no rate is known");
  }

  @Test
  @DisplayName("keeps its drain rate through an idle spell: a burst after a pause is admitted as one before it")
  void keepsTheRateWhileIdle() {
    Lane lane = idleAfterDraining(1000);
    double rate = lane.drainPerSecond();
    assertEquals(400.0, rate, 3.0, "the last rate measured, not a cold start");
    int admitted = 0;
    while (lane.tryAdmit() != null) {
      admitted++;
    }
    // (waiting + 1) / rate <= 0.5 s
    assertEquals(4 + (int) Math.floor(rate / 2), admitted, "4 servers and those that start within the target, not 4 + 4");
  }

  @Test
  @DisplayName("bounds a known rate while its servers stay busy without finishing anything (the work got slower)")
  void slowerWorkLowersTheRate() {
    Lane lane = lane(4, 1000, 10_000);
    drain(lane, 4, 10, 200);
    // The four running items never finish: after 2 s of that, at most one item per 2 s can be counted on.
    advanceMs(2000);
    assertTrue(lane.drainPerSecond() < 0.6, "rate " + lane.drainPerSecond());
    assertNull(lane.tryAdmit(), "a newcomer would wait about 2 s, past the 1 s budget");
  }

  @Test
  @DisplayName("counts items that all started at once as finishing together: async writes after an idle spell are admitted")
  void itemsRunningAtOnceFinishTogether() {
    Lane lane = idleAfterDraining(2000);
    // 50 async writes: each starts as it is admitted, none finishes in the first 150 ms
    List<Lane.Admission> writes = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      Lane.Admission write = lane.tryAdmit();
      assertNotNull(write, "write " + i + " of a burst that drains in about 0.13 s");
      write.start();
      writes.add(write);
    }
    advanceMs(150);
    // at most 50 per 150 ms (333/s), not one: 47 / 333 per s is 0.14 s, within the 1 s target
    assertTrue(lane.drainPerSecond() > 300, "rate " + lane.drainPerSecond());
    assertNotNull(lane.tryAdmit(), "the 51st write, while the first 50 are still running");
    // the first 10 finish at 200 ms: not 10 per 200 ms (50/s) but a round still under way, 40 per 200 ms
    advanceMs(50);
    for (int i = 0; i < 10; i++) {
      writes.remove(0).finish();
    }
    assertEquals(200.0, lane.drainPerSecond(), 1.0);
    assertNotNull(lane.tryAdmit(), "a write while the first round finishes");
    writes.forEach(Lane.Admission::finish);
    // once they are done, the lane is back to counting servers: 4 running, never finishing, bound it to one per window
    drain(lane, 4, 10, 200);
    advanceMs(2000);
    assertTrue(lane.drainPerSecond() < 0.6, "rate " + lane.drainPerSecond());
  }

  @Test
  @DisplayName("keeps a hard cap on waiting items as a memory guard, whatever the rate")
  void hardCap() {
    Lane lane = lane(1, 3_600_000, 3);
    drain(lane, 1, 1, 100);
    for (int i = 0; i < 3; i++) {
      assertNotNull(lane.tryAdmit());
    }
    assertNull(lane.tryAdmit(), "1 running + 3 waiting is the cap");
    assertEquals(4, lane.capacity());
  }

  @Test
  @DisplayName("runs submitted work only if admitted, and frees its slot when it ends or throws")
  void submitHoldsASlotUntilTheWorkEnds() {
    Lane lane = lane(1, 1000, 0);
    Promise<String> first = Promise.promise();
    Future<String> a = lane.submit(first::future);
    AtomicBoolean ran = new AtomicBoolean();
    Future<String> refused = lane.submit(() -> {
      ran.set(true);
      return Future.succeededFuture("never");
    });
    assertTrue(refused.failed());
    assertInstanceOf(LaneFullException.class, refused.cause());
    assertFalse(ran.get(), "refused work must not start");
    first.fail("boom");
    assertTrue(a.failed());
    assertEquals(0, lane.inFlight(), "a failure frees its slot too");
    Future<Object> thrown = lane.submit(() -> {
      throw new IllegalStateException("bug");
    });
    assertTrue(thrown.failed());
    assertEquals(0, lane.inFlight());
    assertEquals(2, lane.admitted());
    assertEquals(1, lane.rejected());
  }
}
