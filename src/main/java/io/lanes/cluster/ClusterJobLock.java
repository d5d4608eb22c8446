package io.lanes.cluster;

import com.hazelcast.splitbrainprotection.SplitBrainProtectionException;
import io.lanes.registry.ClusterRegistry;
import io.lanes.schedule.JobLock;
import io.vertx.core.Future;
import io.vertx.core.Vertx;

import java.util.Set;

/**
 * One run per job and period across the cluster, also when the network splits it. A period is
 * {@code epochMs / periodMs} (nodes share a clock within a few ms), so every node's timer, whatever its phase, names the
 * same period. A node runs a period only if it is the first to claim it: {@code putIfAbsent("<job>:<period>", nodeId)} on
 * the cluster map {@value #RUNS_MAP} (with a time-to-live of two periods, plus Hazelcast's slack). The claim alone is what
 * makes runs unique; a lock held for the whole run could not, since a fast run releases it before a slower node's timer of
 * the same period fires. No node owns a job: when the owner of the last run dies, the next period is claimed by whichever
 * live node ticks first. The cluster lock {@code lanes.schedule.<job>}, taken without waiting and held for the run, only
 * keeps a run that outlasts its period on one node from overlapping the next period's run on another (that period is
 * skipped, as on one node); Hazelcast frees it when its holder leaves or dies.
 *
 * <p>Partitions. The claim map and the lock map {@code __vertx.map.lock} carry Hazelcast's split-brain protection
 * ({@code conf/cluster.xml}): a side with fewer members than it needs (or, recently-active, fewer heard from within a few
 * seconds) has its claims refused, and this lock answers {@link JobLock.Paused}. Between a silent cut and that refusal
 * the cut-off side may still claim for a moment, on its own copy of the map, periods the majority will not see claimed;
 * so once a member has left, this node runs no period that began before it noticed the departure (its own claim of
 * such a period may have gone to the partition the departed member owned, or may come after it claimed it there). A
 * graceful leave costs one period of each job; a partition costs the periods of the detection time, never a double run.
 */
public final class ClusterJobLock implements JobLock {

  public static final String RUNS_MAP = "lanes.schedule.runs";
  public static final String LOCK_PREFIX = "lanes.schedule.";

  private final Vertx vertx;
  private final String nodeId;
  private Set<String> members;
  /** When this node last noticed a member gone (epoch ms); a period that began at or before it is not run. */
  private volatile long lastDepartureMs = Long.MIN_VALUE;

  public ClusterJobLock(Vertx vertx, String nodeId) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.members = Clustering.liveVertxNodes(vertx);
  }

  @Override
  public Future<Lease> acquire(String job, long periodMs) {
    long period = System.currentTimeMillis() / periodMs;
    long periodStart = period * periodMs;
    if (departedSince(periodStart)) {
      return Future.failedFuture(departure(job, period));
    }
    // the map is asked for on the scheduler's context, so the run's executeBlocking lands on its pool lanes-scheduler
    return vertx.sharedData().<String, String>getClusterWideMap(RUNS_MAP)
      .compose(map -> map.putIfAbsent(job + ":" + period, nodeId, 2 * periodMs + ClusterRegistry.TTL_SLACK_MS))
      .recover(this::pausedWithoutQuorum)
      .compose(owner -> owner == null
        ? runLock(job, period)
        : Future.failedFuture(new RunsElsewhere(owner, "period " + period + " of " + job + " runs on " + owner)))
      .compose(lease -> {
        if (departedSince(periodStart)) {
          lease.release();
          return Future.failedFuture(departure(job, period));
        }
        return Future.succeededFuture(lease);
      });
  }

  private Future<Lease> runLock(String job, long period) {
    return vertx.sharedData()
      .getLockWithTimeout(LOCK_PREFIX + job, 0)
      .<Lease>map(lock -> Lease.of(period, lock::release))
      .recover(this::pausedWithoutQuorum)
      .recover(held -> Future.failedFuture(held instanceof Paused ? held : new RunsElsewhere(null,
        "period " + period + " of " + job + " is skipped: the previous run is still going on another node")));
  }

  private <T> Future<T> pausedWithoutQuorum(Throwable failure) {
    if (failure instanceof SplitBrainProtectionException) {
      Clustering.Quorum quorum = Clustering.quorum(vertx, RUNS_MAP);
      return Future.failedFuture(new Paused("no period is claimed: this side of the cluster has " + quorum.members()
        + " member(s), split-brain protection " + quorum.name() + " needs " + quorum.needed()
        + " heard from recently (a partition, or too few nodes)"));
    }
    return Future.failedFuture(failure);
  }

  /**
   * Whether a member left at or after {@code epochMs}, as far as this node can tell: compares Hazelcast's member list
   * (updated before the operations waiting on a departed member are retried elsewhere) with the one it saw last, and
   * keeps the time of the last change it noticed, which is never before the departure.
   */
  private synchronized boolean departedSince(long epochMs) {
    Set<String> now = Clustering.liveVertxNodes(vertx);
    if (!now.containsAll(members)) {
      lastDepartureMs = System.currentTimeMillis();
    }
    members = now;
    return lastDepartureMs >= epochMs;
  }

  private static RunsElsewhere departure(String job, long period) {
    return new RunsElsewhere(null, "period " + period + " of " + job + " is skipped: a member left during it, and"
      + " may have run it on its side of a partition before it was noticed");
  }
}
