package io.lanes.compute;

import io.lanes.app.Node;
import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.cluster.StartReportRelayVerticle;
import io.lanes.config.LanesConfig;
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
 * {@code message.fail} with a {@link FailureCodes} code. A job message is
 * {@code {"type", "params", "deadline" (epoch ms), "id"?, "started"? (address to report the start to)}}; the reply is
 * {@code {"result", "elapsed_ms", "node", "thread"}}.
 */
public final class ComputeVerticle extends VerticleBase {

  public static final String TYPE = "type";
  public static final String PARAMS = "params";
  public static final String DEADLINE = "deadline";
  public static final String ID = "id";
  public static final String STARTED = "started";

  private static final Logger LOG = LoggerFactory.getLogger(ComputeVerticle.class);
  /** How much longer than a job's timeout a compute thread may run before Vert.x warns that it is blocked. */
  private static final long BLOCKED_WARNING_MARGIN_MS = 5_000;

  private final String nodeId;
  private final LanesConfig.Compute limits;
  private final ComputeJobs jobs;

  public ComputeVerticle(Node node) {
    this(node.id(), node.config().compute(), ComputeJobs.standard());
  }

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
    return vertx.eventBus()
      .<JsonObject>consumer(Addresses.COMPUTE_JOBS, this::handle)
      .completion();
  }

  private void handle(Message<JsonObject> message) {
    long startNanos = System.nanoTime();
    String type = "?";
    try {
      JsonObject job = message.body();
      if (job == null) {
        throw new InvalidJobException("body", "must be a JSON object", null);
      }
      type = String.valueOf(job.getValue(TYPE));
      message.reply(run(job));
    } catch (InvalidJobException e) {
      message.fail(FailureCodes.BAD_REQUEST, e.getMessage());
    } catch (DeadlineExceededException e) {
      message.fail(FailureCodes.DEADLINE, "job " + type + " passed its deadline and stopped after " + millisSince(startNanos) + " ms");
    } catch (ClassCastException e) {
      message.fail(FailureCodes.BAD_REQUEST, "a job message must be a JSON object");
    } catch (RuntimeException | StackOverflowError e) {
      LOG.error("Compute job {} failed", type, e);
      message.fail(FailureCodes.INTERNAL, "job " + type + " failed: " + e.getClass().getSimpleName());
    }
  }

  private JsonObject run(JsonObject message) {
    ComputeJob job = jobs.require(message.getValue(TYPE));
    Object rawParams = message.getValue(PARAMS);
    if (rawParams != null && !(rawParams instanceof JsonObject)) {
      throw new InvalidJobException(PARAMS, "must be a JSON object", rawParams);
    }
    JsonObject params = job.validate(rawParams == null ? new JsonObject() : (JsonObject) rawParams, limits);
    Deadline deadline = deadlineOf(message);
    if (deadline.passed()) {
      // It waited in this verticle's queue until its requester gave up: starting it would only burn the thread.
      throw new DeadlineExceededException(deadline.atEpochMs());
    }
    reportStart(message);
    long startNanos = System.nanoTime();
    Object result = job.run(params, deadline);
    return new JsonObject()
      .put("result", result)
      .put("elapsed_ms", millisSince(startNanos))
      .put("node", nodeId)
      .put("thread", Thread.currentThread().getName());
  }

  /** The job's own deadline; a message without one (not from {@code ComputeClient}) gets {@code compute.timeoutMs}. */
  private Deadline deadlineOf(JsonObject message) {
    Object deadline = message.getValue(DEADLINE);
    if (deadline == null) {
      return Deadline.in(limits.timeoutMs());
    }
    if (!(deadline instanceof Number epochMs)) {
      throw new InvalidJobException(DEADLINE, "must be epoch milliseconds", deadline);
    }
    return new Deadline(epochMs.longValue());
  }

  /** Tells the sender of an async job that it has left the queue (fire and forget: the final state follows anyway). */
  private void reportStart(JsonObject message) {
    if (message.getValue(STARTED) instanceof String address && message.getValue(ID) instanceof String id) {
      JsonObject report = new JsonObject()
        .put(ID, id)
        .put("node", nodeId)
        .put("thread", Thread.currentThread().getName())
        .put("started_at", System.currentTimeMillis());
      if (vertx.isClustered()) {
        // clustering: through the relay's event loop, not this busy pool (see StartReportRelayVerticle)
        vertx.eventBus().send(Addresses.COMPUTE_START_RELAY, report.put(StartReportRelayVerticle.TO, address),
          new DeliveryOptions().setLocalOnly(true));
      } else {
        vertx.eventBus().send(address, report);
      }
    }
  }

  private static long millisSince(long startNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
  }
}
