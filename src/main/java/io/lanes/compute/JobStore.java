package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.bus.JobStarted;
import io.lanes.config.LanesConfig;
import io.lanes.lane.Lane;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.registry.Registry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The async jobs of {@code POST /jobs} that this node accepted: each is admitted by the compute lane, sent through the
 * {@link ComputeSender}, its state kept in a {@link Registry} (cluster-wide when clustered) from {@code queued} through
 * {@code running} (the compute verticle's start report) to {@code done}, {@code failed} or {@code timed_out}, and its end
 * tracked as background work so a shutdown waits for it.
 */
public final class JobStore {

  /** The cluster-wide map of job states when clustered. */
  public static final String REGISTRY_MAP = "lanes.jobs";
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String TIMED_OUT = "timed_out";
  private static final Set<String> TERMINAL = Set.of(DONE, FAILED, TIMED_OUT);

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final ComputeSender sender;
  private final Registry jobs;
  private final BackgroundWork background;
  private final String nodeId;
  private final Predicate<String> isLive;

  /** This node's unfinished async jobs by id, queued or running, for {@code lanes_jobs{state}}. */
  private final Map<String, String> active = new ConcurrentHashMap<>();
  /** This node's async jobs that ended, by final state, since it started. */
  private final Map<String, LongAdder> finished = new ConcurrentHashMap<>();

  /**
   * Jobs of node {@code nodeId} kept in {@code jobs}; {@code isLive} tells whether a Lanes node id is a live member, so
   * that a job whose node died is reported {@code failed} (not retried: see {@link #record}).
   */
  public JobStore(ComputeSender sender, Registry jobs, BackgroundWork background, String nodeId,
                  Predicate<String> isLive) {
    this.sender = sender;
    this.jobs = jobs;
    this.background = background;
    this.nodeId = nodeId;
    this.isLive = isLive;
  }

  public static boolean isTerminal(JsonObject state) {
    return TERMINAL.contains(state.getString("state"));
  }

  /** A job is answered (or given up) within its timeout: an active state older than this belongs to a dead node. */
  public static long activeTtlMs(LanesConfig.Compute compute) {
    return compute.timeoutMs() + 60_000;
  }

  /**
   * Accepts a job to run in the background: the future holds its id once its {@code queued} state is stored. The job
   * holds a lane slot until it is answered.
   */
  public Future<String> submit(String type, JsonObject params) {
    Lane.Admission admission = sender.lane().tryAdmit();
    if (admission == null) {
      return Future.failedFuture(sender.lane().refusal());
    }
    String id = UUID.randomUUID().toString();
    JsonObject queued = new JsonObject()
      .put("id", id)
      .put("type", type)
      .put("state", QUEUED)
      .put("accepted_at", System.currentTimeMillis());
    return jobs.put(id, queued)
      .onFailure(notStored -> admission.finish())
      .map(stored -> {
        JobRequest job = sender.job(type, params, admission).async(id, Addresses.computeStarted(nodeId));
        active.put(id, QUEUED);
        Future<Void> finished = sender.send(job, admission)
          .andThen(answered -> {
            admission.finish();
            active.remove(id);
          })
          .transform(outcome -> record(id, queued, outcome));
        background.track("job " + id, finished);
        return id;
      });
  }

  /** Async jobs this node accepted that are in {@code state} (queued or running) now: {@code lanes_jobs{state}}. */
  public int activeJobs(String state) {
    int count = 0;
    for (String current : active.values()) {
      if (current.equals(state)) {
        count++;
      }
    }
    return count;
  }

  /** Async jobs this node accepted that ended in {@code state} ({@code done}, {@code failed}, {@code timed_out}). */
  public long finishedJobs(String state) {
    LongAdder count = finished.get(state);
    return count == null ? 0 : count.sum();
  }

  /** The state of job {@code id} as {@code GET /jobs/{id}} shows it, or {@code null} when unknown. */
  public Future<JsonObject> status(String id) {
    return jobs.get(id).map(state -> state == null ? null : view(state));
  }

  /**
   * Consumer of {@link Addresses#computeStarted} for this node: a compute verticle took job {@code id} out of its queue.
   * Moves it to {@code running} only if it is still {@code queued} (the start report may arrive after the answer).
   */
  public void started(Message<Object> report) {
    if (!(report.body() instanceof JobStarted started) || started.id() == null) {
      return;
    }
    String id = started.id();
    active.replace(id, QUEUED, RUNNING);
    jobs.get(id)
      .compose(current -> {
        if (current == null || !QUEUED.equals(current.getString("state"))) {
          return Future.succeededFuture(false);
        }
        JsonObject running = current.copy()
          .put("state", RUNNING)
          .put("started_at", started.startedAt())
          .put("node", started.node())
          .put("thread", started.thread());
        return jobs.replace(id, current, running);
      })
      .onFailure(e -> LOG.warn("Could not mark job {} running", id, e));
  }

  /**
   * Stores the final state of job {@code id}, keeping what the start report recorded. Never fails. A job whose node died
   * under it is {@code failed}, not retried: Vert.x does not fail a request when its recipient's node dies, so the loss
   * is only seen at the deadline, and a retry then would run past the time the caller was promised. Every job type is
   * idempotent, so the caller may resubmit.
   */
  private Future<Void> record(String id, JsonObject queued, AsyncResult<JobResult> outcome) {
    return jobs.get(id)
      .compose(current -> {
        JsonObject state = (current == null ? queued : current).copy()
          .put("finished_at", System.currentTimeMillis());
        if (outcome.succeeded()) {
          JobResult reply = outcome.result();
          state.put("state", DONE)
            .put("result", reply.result())
            .put("run_ms", reply.elapsedMs())
            .put("node", reply.node())
            .put("thread", reply.thread());
        } else if (waitedTooLong(outcome.cause())) {
          state.put("state", FAILED)
            .put("error", "waited for a compute verticle past compute.maxWaitMs; not run");
        } else if (timedOut(outcome.cause()) && lostNode(state) != null) {
          state.put("state", FAILED)
            .put("error", "node " + lostNode(state) + " left the cluster while running the job");
        } else {
          state.put("state", timedOut(outcome.cause()) ? TIMED_OUT : FAILED)
            .put("error", describe(outcome.cause()));
        }
        finished.computeIfAbsent(state.getString("state"), name -> new LongAdder()).increment();
        return jobs.put(id, state);
      })
      .recover(e -> {
        LOG.warn("Could not record the end of job {}", id, e);
        return Future.succeededFuture();
      });
  }

  /** The node that reported running the job, if it is no longer a live member; else null. */
  private String lostNode(JsonObject state) {
    String node = state.getString("node");
    return node != null && !isLive.test(node) ? node : null;
  }

  private static boolean waitedTooLong(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      && reply.failureCode() == FailureCodes.BUSY;
  }

  private static boolean timedOut(Throwable failure) {
    return failure instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.TIMEOUT
      || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == FailureCodes.DEADLINE);
  }

  private String describe(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> "no answer within " + sender.timeoutMs() + " ms";
        case NO_HANDLERS -> "no node serves the compute lane";
        default -> reply.getMessage();
      };
    }
    return failure.getClass().getSimpleName() + ": " + failure.getMessage();
  }

  /** What {@code GET /jobs/{id}} shows: the stored state plus {@code elapsed_ms} since it was accepted (until it ended). */
  private static JsonObject view(JsonObject state) {
    long acceptedAt = state.getLong("accepted_at");
    Long finishedAt = state.getLong("finished_at");
    long end = finishedAt == null ? System.currentTimeMillis() : finishedAt;
    return state.copy().put("elapsed_ms", Math.max(0, end - acceptedAt));
  }
}
