package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.bus.JobStarted;
import io.lanes.config.LanesConfig;
import io.lanes.lane.Lane;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.registry.Registries;
import io.lanes.registry.Registry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Predicate;

/**
 * The async jobs of {@code POST /jobs} that this node accepted: each is admitted by the compute lane, sent through the
 * {@link ComputeSender}, its state kept in a {@link Registry} (cluster-wide when clustered) from {@code queued} through
 * {@code running} (the compute verticle's start report) to {@code done}, {@code failed} or {@code timed_out}, and its end
 * tracked as background work so a shutdown waits for it. A state names the node that accepted the job
 * ({@code accepted_by}) and, once it runs, the node running it ({@code node}): when either leaves the cluster, the job is
 * {@code failed} ("node ... left the cluster"), by whichever nodes survive.
 */
public final class JobStore {

  /** The cluster-wide map of job states when clustered. */
  public static final String REGISTRY_MAP = "lanes.jobs";
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String TIMED_OUT = "timed_out";
  /** The node that accepted the job (its requester). */
  public static final String ACCEPTED_BY = "accepted_by";
  /** The node running the job, from its start report (or its answer). */
  public static final String NODE = "node";
  private static final Set<String> TERMINAL = Set.of(DONE, FAILED, TIMED_OUT);
  /** Writes of the final state that lost a race (a start report, a departure) are tried again this often. */
  private static final int WRITE_ATTEMPTS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(JobStore.class);

  private final Vertx vertx;
  private final ComputeSender sender;
  private final Registry jobs;
  private final BackgroundWork background;
  private final String nodeId;
  private final Predicate<String> isLive;
  private final long detectionMs;

  /** This node's unfinished async jobs by id, queued or running, for {@code lanes_jobs{state}}. */
  private final Map<String, String> active = new ConcurrentHashMap<>();
  /** Completed when the node (a key) leaves: jobs whose answer did not come wait on it for their verdict. */
  private final Map<String, Promise<Void>> departures = new ConcurrentHashMap<>();
  /** This node's async jobs that ended, by final state, since it started. */
  private final Map<String, LongAdder> finished = new ConcurrentHashMap<>();

  /**
   * Jobs of node {@code nodeId} kept in {@code jobs}. {@code isLive} tells whether a Lanes node id is a live member;
   * {@code detectionMs} is how long the cluster may take to notice a member that went silent (0 alone): a job whose
   * answer never came from a node still listed as live waits that long for the cluster's verdict before it is
   * {@code timed_out}, since a dead node's job is {@code failed}.
   */
  public JobStore(Vertx vertx, ComputeSender sender, Registry jobs, BackgroundWork background, String nodeId,
                  Predicate<String> isLive, long detectionMs) {
    this.vertx = vertx;
    this.sender = sender;
    this.jobs = jobs;
    this.background = background;
    this.nodeId = nodeId;
    this.isLive = isLive;
    this.detectionMs = detectionMs;
  }

  /** The terminal values of a job's {@code state}. */
  public static Set<String> terminalStates() {
    return TERMINAL;
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
      .put(Registries.STATE, QUEUED)
      .put(ACCEPTED_BY, nodeId)
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
        if (current == null || !QUEUED.equals(current.getString(Registries.STATE))) {
          return Future.succeededFuture(false);
        }
        JsonObject running = current.copy()
          .put(Registries.STATE, RUNNING)
          .put("started_at", started.startedAt())
          .put(NODE, started.node())
          .put("thread", started.thread());
        return jobs.replace(id, current, running);
      })
      .onFailure(e -> LOG.warn("Could not mark job {} running", id, e));
  }

  /**
   * Node {@code node} left the cluster: the jobs it accepted (nobody will record their end) and the jobs it was running
   * (nobody will answer them) are {@code failed}, "node ... left the cluster"; a job of this node waiting for its verdict
   * has it now. Every surviving node does this; each job is ended once.
   */
  public Future<Void> nodeLeft(String node) {
    Promise<Void> waiting = departures.remove(node);
    if (waiting != null) {
      waiting.tryComplete();
    }
    JsonObject ending = nodeLeftEnding(node);
    return Future.join(jobs.endActive(ACCEPTED_BY, node, ending), jobs.endActive(NODE, node, ending))
      .onSuccess(both -> {
        List<String> accepted = both.resultAt(0);
        List<String> ran = both.resultAt(1);
        if (!accepted.isEmpty() || !ran.isEmpty()) {
          LOG.info("Node {} left the cluster: the jobs it accepted {} and ran {} are failed", node, accepted, ran);
        }
      })
      .onFailure(e -> LOG.warn("Could not end the jobs of node {}, which left the cluster", node, e))
      .<Void>mapEmpty()
      .recover(e -> Future.succeededFuture());
  }

  /**
   * Stores the final state of job {@code id}, keeping what the start report recorded. Never fails. A job whose node died
   * under it is {@code failed}, not retried: Vert.x does not fail a request when its recipient's node dies, so the loss
   * is only seen at the deadline (unless the cluster noticed the death first), and a retry then would run past the time
   * the caller was promised. Every job type is idempotent, so the caller may resubmit. A job another node already ended
   * (its node left) keeps that end.
   */
  private Future<Void> record(String id, JsonObject queued, AsyncResult<JobResult> outcome) {
    return jobs.get(id)
      .compose(current -> {
        if (current != null && isTerminal(current)) {
          return Future.succeededFuture();
        }
        return ending(current == null ? queued : current, outcome)
          .compose(ending -> {
            finished.computeIfAbsent(ending.getString(Registries.STATE), state -> new LongAdder()).increment();
            return write(id, queued, ending, WRITE_ATTEMPTS);
          });
      })
      .recover(e -> {
        LOG.warn("Could not record the end of job {}", id, e);
        return Future.succeededFuture();
      });
  }

  /** Merges {@code ending} into the stored state by compare-and-set, unless the job has ended meanwhile. */
  private Future<Void> write(String id, JsonObject queued, JsonObject ending, int attempts) {
    return jobs.get(id).compose(current -> {
      if (current != null && isTerminal(current)) {
        return Future.succeededFuture();
      }
      JsonObject state = (current == null ? queued : current).copy().mergeIn(ending);
      if (state.getValue("started_at") == null && ending.getValue("reply_started_at") != null) {
        state.put("started_at", ending.getValue("reply_started_at"));
      }
      state.remove("reply_started_at");
      if (current == null) {
        return jobs.put(id, state);
      }
      return jobs.replace(id, current, state).compose(replaced -> replaced || attempts <= 1
        ? Future.succeededFuture()
        : write(id, queued, ending, attempts - 1));
    });
  }

  /** The fields the job ends with, given the state it had ({@code before}) and how its request ended. */
  private Future<JsonObject> ending(JsonObject before, AsyncResult<JobResult> outcome) {
    JsonObject ending = new JsonObject().put("finished_at", System.currentTimeMillis());
    if (outcome.succeeded()) {
      JobResult reply = outcome.result();
      return Future.succeededFuture(ending.put(Registries.STATE, DONE)
        .put("result", reply.result())
        .put("run_ms", reply.elapsedMs())
        .put(NODE, reply.node())
        .put("thread", reply.thread())
        .put("reply_started_at", reply.startedAt() > 0 ? reply.startedAt() : null));
    }
    Throwable cause = outcome.cause();
    if (waitedTooLong(cause)) {
      return Future.succeededFuture(ending.put(Registries.STATE, FAILED)
        .put("error", "waited for a compute verticle past compute.maxWaitMs; not run"));
    }
    String node = before.getString(NODE);
    if (!unanswered(cause) || node == null || node.equals(nodeId)) {
      return Future.succeededFuture(ending.put(Registries.STATE, timedOut(cause) ? TIMED_OUT : FAILED)
        .put("error", describe(cause)));
    }
    // No answer at all from another node: it stopped at its deadline without a word only if it is gone.
    return verdictOn(node).map(gone -> gone
      ? ending.mergeIn(nodeLeftEnding(node)).put("finished_at", System.currentTimeMillis())
      : ending.put(Registries.STATE, TIMED_OUT).put("error", describe(cause)));
  }

  /** True once node {@code node} is known gone, false when it is still a member after the failure detection time. */
  private Future<Boolean> verdictOn(String node) {
    if (!isLive.test(node)) {
      return Future.succeededFuture(true);
    }
    if (detectionMs <= 0) {
      return Future.succeededFuture(false);
    }
    Promise<Void> gone = departures.computeIfAbsent(node, key -> Promise.promise());
    return Future.any(gone.future(), vertx.timer(detectionMs, TimeUnit.MILLISECONDS))
      .map(decided -> !isLive.test(node));
  }

  private static JsonObject nodeLeftEnding(String node) {
    return new JsonObject()
      .put(Registries.STATE, FAILED)
      .put("finished_at", System.currentTimeMillis())
      .put("error", "node " + node + " left the cluster");
  }

  private static boolean isTerminal(JsonObject state) {
    return TERMINAL.contains(state.getString(Registries.STATE));
  }

  /** The event bus gave up waiting: no answer, not even the worker's own deadline failure. */
  private static boolean unanswered(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.TIMEOUT;
  }

  private static boolean waitedTooLong(Throwable failure) {
    return FailureCodes.busy(failure);
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
