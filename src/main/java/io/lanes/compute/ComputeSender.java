package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.lane.Lane;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The sending side of the compute lane, one per node: admission by the {@code compute} lane (at most
 * {@code compute.queueLimit} jobs sent and not yet answered) and event-bus requests to {@link Addresses#COMPUTE_JOBS}
 * carrying the job's deadline ({@code compute.timeoutMs} from now), on this node or any cluster member.
 */
public final class ComputeSender {

  /**
   * The requester waits this much longer than the job's deadline, so the compute verticle's own deadline failure (it
   * stops at the deadline) normally arrives before the event bus's bare timeout. Either one answers 504.
   */
  static final long REPLY_GRACE_MS = 100;
  /** How many answered jobs {@link #recentRuns()} keeps. */
  static final int RECENT_RUNS = 10;

  private final EventBus bus;
  private final Lane lane;
  private final long timeoutMs;
  private final DeliveryOptions delivery;
  private final Deque<ComputeRun> recent = new ArrayDeque<>(RECENT_RUNS);

  public ComputeSender(EventBus bus, Lane lane, long timeoutMs) {
    this.bus = bus;
    this.lane = lane;
    this.timeoutMs = timeoutMs;
    this.delivery = new DeliveryOptions().setSendTimeout(timeoutMs + REPLY_GRACE_MS);
  }

  /**
   * Runs a job of {@code type} on validated {@code params} and waits for it. Fails at once with
   * {@code LaneFullException} when the lane is full, or with the {@link ReplyException} of the request.
   */
  public Future<JobResult> run(String type, JsonObject params) {
    return lane.submit(admission -> send(job(type, params, admission), admission));
  }

  /** A job of {@code type} admitted by {@code admission}: to start within the lane's budget, due by the timeout. */
  JobRequest job(String type, JsonObject params, Lane.Admission admission) {
    return JobRequest.awaited(type, params, admission.admittedAtEpochMs(), admission.startByEpochMs(),
      admission.admittedAtEpochMs() + timeoutMs);
  }

  /** Sends {@code job}, admitted by {@code admission} (whose slot the caller frees), and records how long it waited. */
  Future<JobResult> send(JobRequest job, Lane.Admission admission) {
    return bus.<JobResult>request(Addresses.COMPUTE_JOBS, job, delivery)
      .map(Message::body)
      .andThen(done -> {
        if (done.succeeded()) {
          admission.startedAfter(done.result().waitedMs());
        } else if (FailureCodes.busy(done.cause())) {
          admission.refusedElsewhere();
        }
        remember(ComputeRun.of(job.type(), done, System.currentTimeMillis()));
      });
  }

  /** The last {@value #RECENT_RUNS} jobs this node had answered (sync and async), the newest first. */
  public synchronized List<ComputeRun> recentRuns() {
    return List.copyOf(recent);
  }

  private synchronized void remember(ComputeRun run) {
    if (recent.size() == RECENT_RUNS) {
      recent.removeLast();
    }
    recent.addFirst(run);
  }

  Lane lane() {
    return lane;
  }

  long timeoutMs() {
    return timeoutMs;
  }
}
