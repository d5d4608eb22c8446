package io.lanes.lane;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * Non-blocking work (a {@link Future} started on the caller's event loop) behind a {@link Lane} bound, at most
 * {@code concurrency} items under way at once: the files lane's {@code async} writes. An admitted item beyond them
 * waits, first come first served, for one to finish; when its turn comes it starts on the event loop that submitted
 * it, or is refused then ({@link Lane.Admission#start()}: 503, reason {@code WAITED}) if it waited past the lane's
 * budget. The waiting items are the lane's own (it admitted them and counts them in flight), so their number is bounded
 * by its admission; this class only orders their starts.
 *
 * <p>Why a bound at all when no thread is held: every item under way has a file open and its pages in the page cache,
 * and the kernel's work per write grows with the files written at once. Measured on the 2-core machine, 50 connections
 * of 16 MiB async writes, one warm JVM per setting side by side: all 50 under way cost 10.5-11.9 ms of CPU per write
 * and did 162-185 writes/s; 8 at a time 8.8-9.5 ms and 208-223. Too few leaves the worker pool idle between their
 * chunks: 4 at a time did 127-179 where 8 did 203-236 (one chunk queued per file in both).
 *
 * <p>Thread-safe: items are submitted from every event loop of the node and finish on theirs.
 */
public final class AsyncLane {

  private final Vertx vertx;
  private final Lane lane;
  private final int concurrency;
  private final ArrayDeque<Runnable> waiting = new ArrayDeque<>();
  private int underWay;

  public AsyncLane(Vertx vertx, Lane lane, int concurrency) {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1, got " + concurrency);
    }
    this.vertx = vertx;
    this.lane = lane;
    this.concurrency = concurrency;
  }

  /**
   * Runs {@code work} once the lane admits it and one of the {@code concurrency} places is free; fails at once with
   * {@link LaneFullException} when the lane refuses it, and with one (reason {@code WAITED}) instead of running it when
   * it waited for its place past the lane's budget. Call it from an event loop: the work starts on it.
   */
  public <T> Future<T> submit(Supplier<Future<T>> work) {
    return lane.submit(admission -> {
      Context current = Vertx.currentContext();
      Context context = current != null ? current : vertx.getOrCreateContext();
      Promise<T> done = Promise.promise();
      Runnable turn = () -> context.runOnContext(v -> {
        Future<T> running;
        try {
          admission.start();
          running = work.get();
        } catch (RuntimeException e) {
          running = Future.failedFuture(e);
        }
        running.onComplete(result -> {
          next();
          done.handle(result);
        });
      });
      boolean now;
      synchronized (this) {
        now = underWay < concurrency;
        if (now) {
          underWay++;
        } else {
          waiting.add(turn);
        }
      }
      if (now) {
        turn.run();
      }
      return done.future();
    });
  }

  /** A place is free: the first waiting item takes it, or it stays free. */
  private void next() {
    Runnable first;
    synchronized (this) {
      first = waiting.poll();
      if (first == null) {
        underWay--;
      }
    }
    if (first != null) {
      first.run();
    }
  }

  /** Items started and not finished, at most {@code concurrency}. */
  public synchronized int underWay() {
    return underWay;
  }

  /** Admitted items waiting for a place. */
  public synchronized int waiting() {
    return waiting.size();
  }

  public Lane lane() {
    return lane;
  }
}
