package io.lanes.schedule;

import io.vertx.core.Future;
import io.vertx.core.VertxException;

/**
 * Who may run a periodic job this period. On one node every run is granted ({@link LocalJobLock}); a cluster plugs in a
 * cluster-wide claim so each job runs on one node per period. A failed future means "not this node's turn": the run is
 * left out, neither counted as run nor as skipped; {@link Paused} means no node of this side of the cluster may run it.
 */
@FunctionalInterface
public interface JobLock {

  /**
   * Asks to run {@code job} once in the current period of {@code periodMs} (the job's interval; a period is
   * {@code epochMs / periodMs}, the same on every node).
   */
  Future<Lease> acquire(String job, long periodMs);

  /** The right to run one period of a job; released by the scheduler when the run ends, whatever its outcome. */
  interface Lease {
    /** The period this run is for: {@code epochMs / periodMs} when it was granted. */
    long period();

    void release();

    static Lease of(long period, Runnable release) {
      return new Lease() {
        @Override
        public long period() {
          return period;
        }

        @Override
        public void release() {
          release.run();
        }
      };
    }
  }

  /** Not this node's turn: {@code owner} (null when unknown) runs this period. */
  class RunsElsewhere extends VertxException {
    private final String owner;

    public RunsElsewhere(String owner, String message) {
      super(message, true);
      this.owner = owner;
    }

    public String owner() {
      return owner;
    }
  }

  /**
   * Nobody's turn on this side: it cannot prove it is the majority of the cluster (split-brain protection), so it claims
   * no period until it can. The message says why, for {@code /schedules}.
   */
  final class Paused extends VertxException {
    public Paused(String message) {
      super(message, true);
    }
  }
}
