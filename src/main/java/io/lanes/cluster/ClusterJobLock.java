package io.lanes.cluster;

import io.lanes.registry.ClusterRegistry;
import io.lanes.schedule.JobLock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * One run per job and period across the cluster. A period is {@code epochMs / periodMs} (nodes share a clock within a few
 * ms), so every node's timer, whatever its phase, names the same period. A node runs a period only if it is the first
 * to claim it: {@code putIfAbsent("<job>:<period>", nodeId)} on the cluster map {@value #RUNS_MAP} (with a time-to-live
 * of two periods, plus Hazelcast's slack). The claim alone is what makes runs unique; a lock held for the whole run could not, since a fast run
 * releases it before a slower node's timer of the same period fires. It also needs no hand-over: when the owner of the
 * last run dies, the next period is claimed by whichever live node ticks first. The cluster lock
 * {@code lanes.schedule.<job>}, taken without waiting and held for the run, only keeps a run that outlasts its period on
 * one node from overlapping the next period's run on another (that period is skipped, as on one node); Hazelcast frees
 * it when its holder leaves or dies.
 */
public final class ClusterJobLock implements JobLock {

  public static final String RUNS_MAP = "lanes.schedule.runs";
  public static final String LOCK_PREFIX = "lanes.schedule.";

  private final Vertx vertx;
  private final String nodeId;

  public ClusterJobLock(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
  }

  @Override
  public Future<Lease> acquire(String job, long periodMs) {
    long period = System.currentTimeMillis() / periodMs;
    // the map is asked for on the scheduler's context, so the run's executeBlocking lands on its pool lanes-scheduler
    return vertx.sharedData().<String, String>getClusterWideMap(RUNS_MAP)
      .compose(map -> map.putIfAbsent(job + ":" + period, nodeId, 2 * periodMs + ClusterRegistry.TTL_SLACK_MS))
      .compose(owner -> owner == null
        ? runLock(job, period)
        : Future.failedFuture(new RunsElsewhere(owner, "period " + period + " of " + job + " runs on " + owner)));
  }

  private Future<Lease> runLock(String job, long period) {
    return vertx.sharedData()
      .getLockWithTimeout(LOCK_PREFIX + job, 0)
      .<Lease>map(lock -> lock::release)
      .recover(held -> Future.failedFuture(new RunsElsewhere(null,
        "period " + period + " of " + job + " is skipped: the previous run is still going on another node")));
  }
}
