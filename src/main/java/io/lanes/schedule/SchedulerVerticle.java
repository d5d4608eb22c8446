package io.lanes.schedule;

import io.lanes.lifecycle.Readiness;
import io.lanes.config.ConfigException;
import io.lanes.config.LanesConfig;
import io.lanes.lane.WorkThreads;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs the node's periodic jobs ({@code schedules}): one instance per node, a timer per enabled job on its event loop, the
 * job bodies on its own worker pool {@code lanes-scheduler}. A run still going when the next is due is skipped (counted),
 * never overlapped; a failing run is recorded in the job's {@link JobStats}, never fatal. Each run first asks the
 * {@link JobLock}, so a cluster can let one node only run each period.
 */
public final class SchedulerVerticle extends VerticleBase {

  public static final String POOL_NAME = "lanes-scheduler";
  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  private final String nodeId;
  private final List<LanesConfig.Schedule> schedules;
  private final long graceMs;
  private final Readiness readiness;
  private final ScheduleBoard board;
  private final Map<String, PeriodicJob> catalog;
  private final JobLock lock;
  private final List<Scheduled> scheduled = new ArrayList<>();
  private volatile boolean stopping;

  /**
   * Runs {@code schedules} (the config's entries, each naming a job of {@code catalog}) as node {@code nodeId}, recording
   * into {@code board}; {@code lock} says whose turn each period is ({@link LocalJobLock} alone, a cluster lock when
   * clustered). On stop it waits for runs in progress until {@code graceMs} after the node started draining.
   */
  public SchedulerVerticle(String nodeId, List<LanesConfig.Schedule> schedules, long graceMs, Readiness readiness,
                           ScheduleBoard board, Map<String, PeriodicJob> catalog, JobLock lock) {
    this.nodeId = nodeId;
    this.schedules = List.copyOf(schedules);
    this.graceMs = graceMs;
    this.readiness = readiness;
    this.board = board;
    this.catalog = Map.copyOf(catalog);
    this.lock = lock;
  }

  /**
   * One instance, on a pool of one thread per enabled job: since runs of a job never overlap, no run waits for a thread, and
   * a full blocking lane cannot starve the heartbeat that reports it.
   */
  public static DeploymentOptions deploymentOptions(LanesConfig config) {
    long enabled = config.schedules().stream().filter(LanesConfig.Schedule::enabled).count();
    return new DeploymentOptions()
      .setInstances(1)
      .setWorkerPoolName(POOL_NAME)
      .setWorkerPoolSize((int) Math.max(1, enabled));
  }

  @Override
  public Future<?> start() {
    if (context.getInstanceCount() > 1) {
      return Future.failedFuture(new VertxException("Run exactly one SchedulerVerticle per node (got "
        + context.getInstanceCount() + " instances)", true));
    }
    try {
      validate(schedules);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    for (LanesConfig.Schedule schedule : schedules) {
      JobStats stats = board.register(schedule.name(), schedule.intervalMs(), schedule.enabled(), nodeId);
      if (schedule.enabled()) {
        Scheduled job = new Scheduled(schedule, catalog.get(schedule.name()), stats);
        job.timer = vertx.setPeriodic(schedule.intervalMs(), tick -> tick(job));
        scheduled.add(job);
      }
    }
    LOG.info("Scheduler on node {}: {}", nodeId, scheduled.stream()
      .map(job -> job.schedule.name() + " every " + job.schedule.intervalMs() + " ms")
      .toList());
    return Future.succeededFuture();
  }

  /**
   * Cancels the timers, then waits for runs still going until the shutdown grace ends (counted from when the node started
   * draining), naming those that did not finish.
   */
  @Override
  public Future<?> stop() {
    stopping = true;
    scheduled.forEach(job -> vertx.cancelTimer(job.timer));
    List<Future<Void>> running = scheduled.stream()
      .filter(job -> job.current != null)
      .map(job -> job.current)
      .toList();
    if (running.isEmpty()) {
      return Future.succeededFuture();
    }
    long since = readiness.state() == Readiness.State.DRAINING ? readiness.drainingSince() : System.currentTimeMillis();
    long remaining = since + graceMs - System.currentTimeMillis();
    return Future.join(running)
      .timeout(Math.max(1, remaining), TimeUnit.MILLISECONDS)
      .<Void>mapEmpty()
      .recover(graceOver -> {
        scheduled.stream()
          .filter(job -> job.current != null)
          .forEach(job -> LOG.warn("Shutdown grace ran out: periodic job {} did not finish", job.schedule.name()));
        return Future.succeededFuture();
      });
  }

  boolean isStopping() {
    return stopping;
  }

  private void tick(Scheduled job) {
    if (stopping) {
      return;
    }
    if (job.current != null) {
      job.stats.skipped();
      LOG.debug("Periodic job {} is still running at its next period: this run is skipped", job.schedule.name());
      return;
    }
    Promise<Void> ended = Promise.promise();
    job.current = ended.future();
    lock.acquire(job.schedule.name(), job.schedule.intervalMs())
      .andThen(granted -> claiming(job, granted.cause()))
      .onFailure(notGranted -> {
        if (notGranted instanceof JobLock.RunsElsewhere elsewhere && elsewhere.owner() != null) {
          job.stats.ranOn(elsewhere.owner());
        }
        LOG.debug("Periodic job {} does not run here this period: {}", job.schedule.name(), notGranted.getMessage());
      })
      .compose(lease -> {
        LOG.debug("Periodic job {} runs period {} on node {}", job.schedule.name(), lease.period(), nodeId);
        return runOnce(job).andThen(done -> release(job, lease));
      })
      .onComplete(done -> {
        job.current = null;
        ended.complete();
      });
  }

  /** Records (and logs once per change) whether this node's side of the cluster may claim periods. */
  private void claiming(Scheduled job, Throwable refusal) {
    if (refusal instanceof JobLock.Paused paused) {
      if (job.stats.paused(paused.getMessage())) {
        LOG.info("Periodic job {} paused on node {}: {}", job.schedule.name(), nodeId, paused.getMessage());
      }
    } else if (provesClaiming(refusal) && job.stats.resumed()) {
      LOG.info("Periodic job {} resumed on node {}: periods are claimed again", job.schedule.name(), nodeId);
    }
  }

  /** A granted run, or a claim another node won: either way this side claims periods. */
  private static boolean provesClaiming(Throwable refusal) {
    return refusal == null || refusal instanceof JobLock.RunsElsewhere elsewhere && elsewhere.owner() != null;
  }

  /** One run on the worker pool; completes (never fails) once its outcome is recorded. */
  private Future<Void> runOnce(Scheduled job) {
    job.stats.started(Instant.now());
    Future<Void> ran;
    try {
      ran = vertx.executeBlocking(() -> {
        WorkThreads.yieldToEventLoops();
        job.body.run();
        return null;
      }, false);
    } catch (RuntimeException poolClosed) {
      ran = Future.failedFuture(poolClosed);
    }
    return ran.transform(outcome -> {
      String error = outcome.failed() ? describe(outcome.cause()) : null;
      if (error != null) {
        LOG.warn("Periodic job {} failed: {}", job.schedule.name(), error);
      }
      job.stats.finished(Instant.now(), error);
      return Future.succeededFuture();
    });
  }

  private static void release(Scheduled job, JobLock.Lease lease) {
    try {
      lease.release();
    } catch (RuntimeException e) {
      LOG.warn("Could not release the lock of periodic job {}", job.schedule.name(), e);
    }
  }

  /** Every entry names a known job, once; else start-up fails naming the key. */
  private void validate(List<LanesConfig.Schedule> schedules) {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < schedules.size(); i++) {
      String name = schedules.get(i).name();
      String key = "schedules[" + i + "].name";
      if (!catalog.containsKey(name)) {
        throw new ConfigException(key, "names an unknown job \"" + name + "\" (known: "
          + String.join(", ", catalog.keySet().stream().sorted().toList()) + ")");
      }
      if (!seen.add(name)) {
        throw new ConfigException(key, "repeats job \"" + name + "\" (schedule each job once)");
      }
    }
  }

  private static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
  }

  /** An enabled job on this node; touched only on this verticle's event loop. */
  private static final class Scheduled {
    final LanesConfig.Schedule schedule;
    final PeriodicJob body;
    final JobStats stats;
    long timer;
    /** The run in progress (lock, body, bookkeeping), or null between runs. */
    Future<Void> current;

    Scheduled(LanesConfig.Schedule schedule, PeriodicJob body, JobStats stats) {
      this.schedule = schedule;
      this.body = body;
      this.stats = stats;
    }
  }
}
