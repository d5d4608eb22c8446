package io.lanes.lane;

import io.vertx.core.Future;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * Admission for one lane: at most {@code capacity} units of work in flight (running + waiting) on this node. Work past the
 * bound is refused at once with {@link LaneFullException} instead of piling up in an unbounded Vert.x queue. Shared by all
 * event loops of a node, hence lock-free.
 */
public final class Lane {

  private final String name;
  private final int capacity;
  private final int retryAfterSeconds;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicLong admitted = new AtomicLong();
  private final AtomicLong rejected = new AtomicLong();
  /** System.nanoTime() when the lane last became full; 0 while it has room. */
  private volatile long fullSince;

  public Lane(String name, int capacity, int retryAfterSeconds) {
    if (capacity < 1) {
      throw new IllegalArgumentException("lane " + name + " needs a capacity of at least 1, got " + capacity);
    }
    this.name = name;
    this.capacity = capacity;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /**
   * Runs {@code work} if the lane has room, holding one slot until its future completes; otherwise fails at once.
   * The supplier is not called when the lane is full.
   */
  public <T> Future<T> submit(Supplier<Future<T>> work) {
    if (!tryAcquire()) {
      return Future.failedFuture(new LaneFullException(name, capacity, retryAfterSeconds));
    }
    Future<T> running;
    try {
      running = work.get();
    } catch (RuntimeException e) {
      release();
      return Future.failedFuture(e);
    }
    return running.andThen(done -> release());
  }

  /** Takes a slot for work that is released elsewhere (with {@link #release()}); false when the lane is full. */
  public boolean tryAcquire() {
    while (true) {
      int current = inFlight.get();
      if (current >= capacity) {
        rejected.incrementAndGet();
        return false;
      }
      if (inFlight.compareAndSet(current, current + 1)) {
        admitted.incrementAndGet();
        if (current + 1 == capacity) {
          fullSince = System.nanoTime();
        }
        return true;
      }
    }
  }

  public void release() {
    if (inFlight.decrementAndGet() < capacity) {
      fullSince = 0;
    }
  }

  /** How long the lane has been full without a break, in nanoseconds; 0 when it has room. */
  public long fullForNanos() {
    long since = fullSince;
    if (since == 0 || inFlight.get() < capacity) {
      return 0;
    }
    return Math.max(1, System.nanoTime() - since);
  }

  public LaneFullException full() {
    return new LaneFullException(name, capacity, retryAfterSeconds);
  }

  public String name() {
    return name;
  }

  public int capacity() {
    return capacity;
  }

  public int inFlight() {
    return inFlight.get();
  }

  public long admitted() {
    return admitted.get();
  }

  public long rejected() {
    return rejected.get();
  }
}
