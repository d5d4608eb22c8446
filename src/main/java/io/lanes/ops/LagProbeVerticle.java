package io.lanes.ops;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Measures how late a periodic timer fires on this instance's event loop: the time the loop was busy with something
 * else. Deployed with one instance per event loop; records {@code lanes_event_loop_lag_seconds{loop}} and keeps the worst
 * lag of the last few seconds per loop for the health check. A second instance landing on an already probed loop idles.
 */
public final class LagProbeVerticle extends VerticleBase {

  /** Lag over this window feeds the health check. */
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** Lag over this window feeds the dashboard's per-second sparkline. */
  static final long SECOND_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final MeterRegistry registry;
  private final long intervalMs;
  private final Map<String, LoopLag> loops;
  private long timerId = -1;

  public LagProbeVerticle(MeterRegistry registry, long intervalMs, Map<String, LoopLag> loops) {
    this.registry = registry;
    this.intervalMs = intervalMs;
    this.loops = loops;
  }

  @Override
  public Future<?> start() {
    String loop = Thread.currentThread().getName();
    long intervalNanos = TimeUnit.MILLISECONDS.toNanos(intervalMs);
    LoopLag lag = new LoopLag(intervalNanos, Timer.builder("lanes.event.loop.lag")
      .description("How late a periodic timer fires on an event loop")
      .tag("loop", loop)
      .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
        Duration.ofSeconds(1))
      .register(registry));
    if (loops.putIfAbsent(loop, lag) != null) {
      return Future.succeededFuture();
    }
    long[] expected = {System.nanoTime() + intervalNanos};
    timerId = vertx.setPeriodic(intervalMs, id -> {
      long now = System.nanoTime();
      lag.record(Math.max(0, now - expected[0]), now);
      expected[0] = now + intervalNanos;
    });
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    if (timerId >= 0) {
      vertx.cancelTimer(timerId);
    }
    return Future.succeededFuture();
  }

  /** One loop's lag: the meter, and the worst lag in the current and previous window (of 5 s, and of 1 s). */
  public static final class LoopLag {
    private final long intervalNanos;
    private final Timer timer;
    private volatile long lastTick = System.nanoTime();
    private volatile long windowStart;
    private volatile long windowMax;
    private volatile long previousMax;
    private volatile long secondStart = lastTick;
    private volatile long secondMax;
    private volatile long previousSecondMax;

    LoopLag(long intervalNanos, Timer timer) {
      this.intervalNanos = intervalNanos;
      this.timer = timer;
    }

    void record(long lagNanos, long now) {
      lastTick = now;
      timer.record(lagNanos, TimeUnit.NANOSECONDS);
      if (now - windowStart > WINDOW_NANOS) {
        previousMax = windowMax;
        windowMax = 0;
        windowStart = now;
      }
      if (lagNanos > windowMax) {
        windowMax = lagNanos;
      }
      if (now - secondStart >= SECOND_NANOS) {
        // A previous second that ended long ago (the loop was blocked over it) holds nothing recent.
        previousSecondMax = now - secondStart < 2 * SECOND_NANOS ? secondMax : 0;
        secondMax = 0;
        secondStart = now;
      }
      if (lagNanos > secondMax) {
        secondMax = lagNanos;
      }
    }

    /**
     * The worst lag seen in the last one to two windows, in nanoseconds; a loop blocked right now counts with how late
     * its next tick already is.
     */
    public long recentMaxNanos() {
      long overdue = System.nanoTime() - lastTick - intervalNanos;
      return Math.max(Math.max(windowMax, previousMax), overdue);
    }

    /**
     * The worst lag of the last one to two seconds, in nanoseconds, a blocked loop counting with how late its next tick
     * already is: one point a second of the dashboard's sparkline.
     */
    public long lastSecondMaxNanos() {
      long now = System.nanoTime();
      long overdue = now - lastTick - intervalNanos;
      long recent = now - secondStart < 2 * SECOND_NANOS ? Math.max(secondMax, previousSecondMax) : 0;
      return Math.max(0, Math.max(recent, overdue));
    }
  }
}
