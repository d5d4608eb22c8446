package io.lanes.schedule;

/** The body of a periodic job: blocking work, run on the scheduler's worker pool, at most one run at a time. */
@FunctionalInterface
public interface PeriodicJob {

  void run() throws Exception;
}
