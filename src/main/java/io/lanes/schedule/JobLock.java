package io.lanes.schedule;

import io.vertx.core.Future;
import io.vertx.core.VertxException;

/**
 * Who may run a periodic job this period. On one node every run is granted ({@link LocalJobLock}); a cluster plugs in a
 * cluster-wide lock (e.g. {@code vertx.sharedData().getLockWithTimeout(job, ...)}) so each job runs on one node per
 * period. A failed future means "not this node's turn": the run is left out, neither counted as run nor as skipped.
 */
@FunctionalInterface
public interface JobLock {

  /**
   * Asks to run {@code job} once. {@code periodMs} is the job's interval, so a cluster lock can hold its lease for the rest
   * of the period (not just for the run) and keep another node from running the same period again.
   */
  Future<Lease> acquire(String job, long periodMs);

  /** The right to run one period of a job; released by the scheduler when the run ends, whatever its outcome. */
  @FunctionalInterface
  interface Lease {
    void release();
  }

  /** Not this node's turn: {@code owner} (null when unknown) runs this period. */
  final class RunsElsewhere extends VertxException {
    private final String owner;

    public RunsElsewhere(String owner, String message) {
      super(message, true);
      this.owner = owner;
    }

    public String owner() {
      return owner;
    }
  }
}
