package io.lanes.lane;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

import java.util.concurrent.Callable;

/**
 * A named worker pool behind a {@link Lane} bound: the blocking lane's {@code lanes-blocking}, and the files lane's
 * {@code lanes-files-blocking} for blocking-mode writes. Every call is unordered ({@code executeBlocking(..., false)}),
 * so calls from one verticle run in parallel.
 */
public final class BlockingLane {

  private final Lane lane;
  private final WorkerExecutor executor;

  public BlockingLane(Lane lane, WorkerExecutor executor) {
    this.lane = lane;
    this.executor = executor;
  }

  /**
   * Runs {@code task} on the pool if the lane admits it; fails at once with {@link LaneFullException} otherwise, and
   * with one (reason {@code WAITED}) instead of running it when it waited for a thread past the lane's budget.
   */
  public <T> Future<T> execute(Callable<T> task) {
    return lane.submit(admission -> executor.executeBlocking(() -> {
      WorkThreads.yieldToEventLoops();
      admission.start();
      return task.call();
    }, false));
  }

  public Lane lane() {
    return lane;
  }
}
