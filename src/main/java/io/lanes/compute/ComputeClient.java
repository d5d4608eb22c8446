package io.lanes.compute;

import io.lanes.app.BackgroundWork;
import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.config.LanesConfig;
import io.lanes.lane.Lane;
import io.lanes.registry.ClusterRegistry;
import io.lanes.registry.LocalRegistry;
import io.lanes.registry.Registry;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * The sending side of the compute lane, one per node: admission ({@link Lane} {@code compute}, at most
 * {@code compute.queueLimit} jobs sent and not yet answered), event-bus requests to {@link Addresses#COMPUTE_JOBS} carrying
 * the job's deadline, and the state of async jobs ({@code /jobs}) in a {@link Registry}.
 */
public final class ComputeClient {

  public static final String LANE = "compute";
  /** The cluster-wide map of job states when clustered. */
  public static final String REGISTRY_MAP = "lanes.jobs";
  public static final String QUEUED = "queued";
  public static final String RUNNING = "running";
  public static final String DONE = "done";
  public static final String FAILED = "failed";
  public static final String TIMED_OUT = "timed_out";
  private static final Set<String> TERMINAL = Set.of(DONE, FAILED, TIMED_OUT);

  /**
   * The requester waits this much longer than the job's deadline, so the compute verticle's own deadline failure (it
   * stops at the deadline) normally arrives before the event bus's bare timeout. Either one answers 504.
   */
  static final long REPLY_GRACE_MS = 100;

  private static final Logger LOG = LoggerFactory.getLogger(ComputeClient.class);

  private final Vertx vertx;
  private final String nodeId;
  private final LanesConfig.Compute config;
  private final Lane lane;
  private final Registry jobs;
  private final BackgroundWork background;
  private final Predicate<String> isLive;
  private final ComputeJobs types = ComputeJobs.standard();

  /** This node's unfinished async jobs by id, queued or running, for {@code lanes_jobs{state}}. */
  private final Map<String, String> active = new ConcurrentHashMap<>();

  public ComputeClient(Vertx vertx, String nodeId, LanesConfig.Compute config, Lane lane, Registry jobs,
                       BackgroundWork background) {
    this(vertx, nodeId, config, lane, jobs, background, nodeId::equals);
  }

  public ComputeClient(Vertx vertx, String nodeId, LanesConfig.Compute config, Lane lane, Registry jobs,
                       BackgroundWork background, Predicate<String> isLive) {
    this.vertx = vertx;
    this.nodeId = nodeId;
    this.config = config;
    this.lane = lane;
    this.jobs = jobs;
    this.background = background;
    this.isLive = isLive;
  }

  /** A client with {@link #registryFor} its job registry, alone (every node it hears of is itself). */
  public static ComputeClient create(Vertx vertx, String nodeId, LanesConfig config, BackgroundWork background) {
    return create(vertx, nodeId, config, background, registryFor(vertx, config), nodeId::equals);
  }

  /**
   * A client storing job states in {@code jobs}; {@code isLive} tells whether a Lanes node id is a live member, so that a
   * job whose node died is reported {@code failed} (not retried: see {@link #record}).
   */
  public static ComputeClient create(Vertx vertx, String nodeId, LanesConfig config, BackgroundWork background,
                                     Registry jobs, Predicate<String> isLive) {
    LanesConfig.Compute compute = config.compute();
    Lane lane = new Lane(LANE, compute.queueLimit(), config.http().retryAfterSeconds());
    return new ComputeClient(vertx, nodeId, compute, lane, jobs, background, isLive);
  }

  /**
   * Job states kept {@code compute.retentionCount} / {@code compute.retentionMs}: in this JVM, or cluster-wide (map
   * {@value #REGISTRY_MAP}, by age only) when Vert.x is clustered, so every node answers {@code /jobs/{id}} the same.
   */
  public static Registry registryFor(Vertx vertx, LanesConfig config) {
    LanesConfig.Compute compute = config.compute();
    if (!vertx.isClustered()) {
      return new LocalRegistry(compute.retentionCount(), compute.retentionMs(), ComputeClient::isTerminal);
    }
    // A job is answered (or given up) within its timeout: an active state older than this belongs to a dead node.
    return new ClusterRegistry(vertx, REGISTRY_MAP, compute.retentionMs(), compute.timeoutMs() + 60_000,
      ComputeClient::isTerminal);
  }

  public static boolean isTerminal(JsonObject state) {
    return TERMINAL.contains(state.getString("state"));
  }

  public Lane lane() {
    return lane;
  }

  public Registry jobs() {
    return jobs;
  }

  /** Parameters of a job of {@code type}, validated against this node's limits: {@link InvalidJobException} if bad. */
  public JsonObject validate(Object type, JsonObject params) {
    return types.validate(type, params, config);
  }

  /**
   * Runs a job and waits for it: the compute verticle's reply {@code {"result","elapsed_ms","node","thread"}}. Fails at once
   * with {@code LaneFullException} when the lane is full, or with the {@link ReplyException} of the request.
   */
  public Future<JsonObject> run(String type, JsonObject params) {
    return lane.submit(() -> request(job(type, params)));
  }

  /**
   * Accepts a job to run in the background: the future holds its id once its {@code queued} state is stored. The job
   * holds a lane slot until it is answered, and its end is tracked as background work (shutdown waits for it).
   */
  public Future<String> submit(String type, JsonObject params) {
    if (!lane.tryAcquire()) {
      return Future.failedFuture(lane.full());
    }
    String id = UUID.randomUUID().toString();
    JsonObject queued = new JsonObject()
      .put("id", id)
      .put("type", type)
      .put("state", QUEUED)
      .put("accepted_at", System.currentTimeMillis());
    return jobs.put(id, queued)
      .onFailure(notStored -> lane.release())
      .map(stored -> {
        JsonObject job = job(type, params)
          .put(ComputeVerticle.ID, id)
          .put(ComputeVerticle.STARTED, Addresses.computeStarted(nodeId));
        active.put(id, QUEUED);
        Future<Void> finished = request(job)
          .andThen(answered -> {
            lane.release();
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

  /** The state of job {@code id} as {@code GET /jobs/{id}} shows it, or {@code null} when unknown. */
  public Future<JsonObject> status(String id) {
    return jobs.get(id).map(state -> state == null ? null : view(state));
  }

  /**
   * Consumer of {@link Addresses#computeStarted} for this node: a compute verticle took job {@code id} out of its queue.
   * Moves it to {@code running} only if it is still {@code queued} (the start report may arrive after the answer).
   */
  public void started(Message<JsonObject> report) {
    JsonObject body = report.body();
    if (body == null || !(body.getValue(ComputeVerticle.ID) instanceof String id)) {
      return;
    }
    active.replace(id, QUEUED, RUNNING);
    jobs.get(id)
      .compose(current -> {
        if (current == null || !QUEUED.equals(current.getString("state"))) {
          return Future.succeededFuture(false);
        }
        JsonObject running = current.copy()
          .put("state", RUNNING)
          .put("started_at", body.getLong("started_at"))
          .put("node", body.getString("node"))
          .put("thread", body.getString("thread"));
        return jobs.replace(id, current, running);
      })
      .onFailure(e -> LOG.warn("Could not mark job {} running", id, e));
  }

  private JsonObject job(String type, JsonObject params) {
    return new JsonObject()
      .put(ComputeVerticle.TYPE, type)
      .put(ComputeVerticle.PARAMS, params)
      .put(ComputeVerticle.DEADLINE, Deadline.in(config.timeoutMs()).atEpochMs());
  }

  private Future<JsonObject> request(JsonObject job) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(config.timeoutMs() + REPLY_GRACE_MS);
    return vertx.eventBus()
      .<JsonObject>request(Addresses.COMPUTE_JOBS, job, options)
      .map(Message::body);
  }

  /**
   * Stores the final state of job {@code id}, keeping what the start report recorded. Never fails. A job whose node died
   * under it is {@code failed}, not retried: Vert.x does not fail a request when its recipient's node dies, so the loss
   * is only seen at the deadline, and a retry then would run past the time the caller was promised. Every job type is
   * idempotent, so the caller may resubmit.
   */
  private Future<Void> record(String id, JsonObject queued, AsyncResult<JsonObject> outcome) {
    return jobs.get(id)
      .compose(current -> {
        JsonObject state = (current == null ? queued : current).copy()
          .put("finished_at", System.currentTimeMillis());
        if (outcome.succeeded()) {
          JsonObject reply = outcome.result();
          state.put("state", DONE)
            .put("result", reply.getValue("result"))
            .put("run_ms", reply.getValue("elapsed_ms"))
            .put("node", reply.getString("node"))
            .put("thread", reply.getString("thread"));
        } else if (timedOut(outcome.cause()) && lostNode(state) != null) {
          state.put("state", FAILED)
            .put("error", "node " + lostNode(state) + " left the cluster while running the job");
        } else {
          state.put("state", timedOut(outcome.cause()) ? TIMED_OUT : FAILED)
            .put("error", describe(outcome.cause()));
        }
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

  private static boolean timedOut(Throwable failure) {
    return failure instanceof ReplyException reply
      && (reply.failureType() == ReplyFailure.TIMEOUT
      || reply.failureType() == ReplyFailure.RECIPIENT_FAILURE && reply.failureCode() == FailureCodes.DEADLINE);
  }

  private String describe(Throwable failure) {
    if (failure instanceof ReplyException reply) {
      return switch (reply.failureType()) {
        case TIMEOUT -> "no answer within " + config.timeoutMs() + " ms";
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
