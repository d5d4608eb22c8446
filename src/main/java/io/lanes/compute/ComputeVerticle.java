package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.bus.JobStarted;
import io.lanes.config.LanesConfig;
import io.lanes.lane.WorkThreads;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Runs CPU jobs sent to {@link Addresses#COMPUTE_JOBS} (a cluster-visible consumer, so HTTP fronts on other nodes reach
 * it) on the worker pool {@code lanes-compute}; each instance runs one job at a time. Never throws: every failure is a
 * {@code message.fail} with a {@link FailureCodes} code. A message is a {@link JobRequest}; the reply a
 * {@link JobResult}; an async job's start is reported as a {@link JobStarted} to the address the request names.
 */
public final class ComputeVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ComputeVerticle.class);
  /** How much longer than a job's timeout a compute thread may run before Vert.x warns that it is blocked. */
  private static final long BLOCKED_WARNING_MARGIN_MS = 5_000;

  private final String nodeId;
  private final LanesConfig.Compute limits;
  private final ComputeJobs jobs;

  public ComputeVerticle(String nodeId, LanesConfig.Compute limits, ComputeJobs jobs) {
    this.nodeId = nodeId;
    this.limits = limits;
    this.jobs = jobs;
  }

  /** Worker instances on their own pool {@code lanes-compute} of {@code compute.poolSize} threads. */
  public static DeploymentOptions deploymentOptions(LanesConfig.Compute compute) {
    return new DeploymentOptions()
      .setThreadingModel(ThreadingModel.WORKER)
      .setInstances(compute.instances())
      .setWorkerPoolName(LanesConfig.Compute.POOL_NAME)
      .setWorkerPoolSize(compute.poolSize())
      .setMaxWorkerExecuteTime(compute.timeoutMs() + BLOCKED_WARNING_MARGIN_MS)
      .setMaxWorkerExecuteTimeUnit(TimeUnit.MILLISECONDS);
  }

  @Override
  public Future<?> start() {
    vertx.eventBus().localConsumer(Addresses.CLUSTER_MERGED, merged -> registerAgain());
    return register();
  }

  private Future<Void> register() {
    return vertx.eventBus().<Object>consumer(Addresses.COMPUTE_JOBS, this::handle).completion();
  }

  /**
   * After a split cluster merged back, one more registration: the members that removed this node while it was cut off
   * learn of a new one (seen on four hosts: without it, an HTTP node sent no job to the rejoined node again). The old
   * one stays: unregistering it would discard the jobs already delivered to it. Both go at undeploy.
   */
  private void registerAgain() {
    register()
      .onSuccess(v -> LOG.info("Compute verticle registered again on {} after the cluster merged", Addresses.COMPUTE_JOBS))
      .onFailure(e -> LOG.warn("Compute verticle could not register again after the cluster merged: {}", e.toString()));
  }

  private void handle(Message<Object> message) {
    WorkThreads.yieldToEventLoops();
    long startNanos = System.nanoTime();
    if (!(message.body() instanceof JobRequest job)) {
      message.fail(FailureCodes.BAD_REQUEST, "a job message must be a JobRequest");
      return;
    }
    try {
      message.reply(run(job));
    } catch (InvalidJobException e) {
      message.fail(FailureCodes.BAD_REQUEST, e.getMessage());
    } catch (WaitedTooLongException e) {
      message.fail(FailureCodes.BUSY, e.getMessage());
    } catch (DeadlineExceededException e) {
      message.fail(FailureCodes.DEADLINE, "job " + job.type() + " passed its deadline and stopped after "
        + millisSince(startNanos) + " ms");
    } catch (RuntimeException | StackOverflowError e) {
      LOG.error("Compute job {} failed", job.type(), e);
      message.fail(FailureCodes.INTERNAL, "job " + job.type() + " failed: " + e.getClass().getSimpleName());
    }
  }

  private JobResult run(JobRequest request) {
    ComputeJob job = jobs.require(request.type());
    JsonObject params = job.validate(request.params(), limits);
    Deadline deadline = new Deadline(request.deadlineEpochMs());
    if (deadline.passed()) {
      // It waited in this verticle's queue until its requester gave up: starting it would only burn the thread.
      throw new DeadlineExceededException(deadline.atEpochMs());
    }
    long startedAt = System.currentTimeMillis();
    if (startedAt > request.startByEpochMs()) {
      // It waited past the compute lane's budget: refused now (503) rather than run late.
      throw new WaitedTooLongException(startedAt - request.startByEpochMs());
    }
    reportStart(request, startedAt);
    long startNanos = System.nanoTime();
    Object result = job.run(params, deadline);
    long waitedMs = Math.max(0, startedAt - request.admittedAtEpochMs());
    return new JobResult(result, millisSince(startNanos), nodeId, Thread.currentThread().getName(), waitedMs,
      startedAt);
  }

  /** A job taken after its start-by time: it is refused unrun. */
  private static final class WaitedTooLongException extends RuntimeException {
    WaitedTooLongException(long lateMs) {
      super("the job waited " + lateMs + " ms past the compute lane's wait budget; not run", null, false, false);
    }
  }

  /** Tells the sender of an async job that it has left the queue (fire and forget: the final state follows anyway). */
  private void reportStart(JobRequest request, long startedAt) {
    if (request.reportStartTo() == null || request.id() == null) {
      return;
    }
    JobStarted report = new JobStarted(request.id(), nodeId, Thread.currentThread().getName(), startedAt);
    if (vertx.isClustered()) {
      // clustering: through the relay's event loop, not this busy pool (see StartReportRelayVerticle)
      vertx.eventBus().send(Addresses.COMPUTE_START_RELAY, report, new DeliveryOptions()
        .setLocalOnly(true)
        .addHeader(Addresses.RELAY_TO, request.reportStartTo()));
    } else {
      vertx.eventBus().send(request.reportStartTo(), report);
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
