package io.lanes.tasks;

import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.config.LanesConfig;
import io.lanes.lane.Lane;
import io.lanes.lane.WorkThreads;
import io.lanes.lifecycle.DrainingException;
import io.lanes.registry.Registry;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The background tasks of one node: admitted by the {@code tasks} lane ({@code tasks.maxRunning} running +
 * {@code tasks.maxQueued} waiting), run on the named pool {@code lanes-tasks} ({@code tasks.maxRunning} threads, so its
 * queue never holds more than the lane admitted), their state by id in a {@link Registry}, each accepted task tracked in
 * {@link BackgroundWork} so a shutdown drains it. Shared by every HttpVerticle instance of the node.
 */
public final class TaskRunner {

  public static final String POOL_NAME = "lanes-tasks";
  /** The cluster-wide map of task states when clustered. */
  public static final String REGISTRY_MAP = "lanes.tasks";
  /** Tasks started by {@code /resource} get ids {@code resource-1, resource-2, ...}; {@code /task} ids are integers. */
  static final String RESOURCE_PREFIX = "resource-";
  /** The id under which {@link BackgroundWork} tracks (and a cut shutdown names) a task. */
  static final String BACKGROUND_PREFIX = "task-";

  private static final Logger LOG = LoggerFactory.getLogger(TaskRunner.class);

  private final String nodeId;
  private final Lane lane;
  private final WorkerExecutor executor;
  private final Registry registry;
  private final Readiness readiness;
  private final BackgroundWork background;
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicLong resources = new AtomicLong();
  private final AtomicLong done = new AtomicLong();
  private final AtomicLong failed = new AtomicLong();

  /**
   * The tasks of node {@code nodeId}; {@code executor} is the pool {@value #POOL_NAME} of {@code tasks.maxRunning} threads
   * (see {@link #warnAfterMs}).
   */
  public TaskRunner(String nodeId, Lane lane, WorkerExecutor executor, Registry registry, Readiness readiness,
                    BackgroundWork background) {
    this.nodeId = nodeId;
    this.lane = lane;
    this.executor = executor;
    this.registry = registry;
    this.readiness = readiness;
    this.background = background;
  }

  /** A task may legitimately hold its thread for {@code tasks.maxSeconds}: the pool warns only past that. */
  public static long warnAfterMs(LanesConfig config) {
    return Math.max(config.blocking().warnExecuteMs(), config.tasks().maxSeconds() * 1000L + 1000);
  }

  /**
   * How long a cluster-wide active entry may live: longer than any task can stay queued (its wait budget) and run (at
   * most {@code maxSeconds}), so only a dead node's entries outlive it.
   */
  public static long activeTtlMs(LanesConfig.Tasks tasks) {
    return tasks.maxWaitMs() + tasks.maxSeconds() * 1000L + 60_000;
  }

  /** The terminal values of a task's {@code state}. */
  public static Set<String> terminalStates() {
    return TaskStates.TERMINAL;
  }

  /**
   * Accepts task {@code id} and starts it in the background. The future holds its {@code queued} state once accepted, or
   * fails at once: {@link DrainingException} while the node drains, {@link io.lanes.lane.LaneFullException} past the
   * bound, {@link TaskIdInUseException} while a task with this id is queued or running (a finished id may be used again).
   */
  public Future<JsonObject> submit(String id, TaskBody body) {
    if (readiness.state() == Readiness.State.DRAINING) {
      return Future.failedFuture(draining());
    }
    Lane.Admission admission = lane.tryAdmit();
    if (admission == null) {
      return Future.failedFuture(lane.refusal());
    }
    JsonObject queued = TaskStates.queued(id, nodeId, Instant.now());
    return claim(id, queued)
      .onFailure(refused -> admission.finish())
      .map(claimed -> {
        background.track(BACKGROUND_PREFIX + id, run(id, claimed, body, admission));
        return claimed;
      });
  }

  /** A task nobody asked for by id ({@code /resource}): the same bound, state and drain, under a generated id. */
  public Future<JsonObject> submitUnnamed(TaskBody body) {
    return submit(RESOURCE_PREFIX + resources.incrementAndGet(), body);
  }

  /** The state of task {@code id}, or {@code null} when unknown or forgotten. */
  public Future<JsonObject> state(String id) {
    return registry.get(id);
  }

  public Lane lane() {
    return lane;
  }

  /**
   * Node {@code node} left the cluster: its queued and running tasks will never finish, so they become {@code failed}
   * ("node ... left the cluster") and their ids free. Every surviving node does this; each task is ended once.
   */
  public Future<Void> nodeLeft(String node) {
    return registry.endActive(TaskStates.NODE, node, TaskStates.nodeLeft(node, Instant.now()))
      .onSuccess(ended -> {
        if (!ended.isEmpty()) {
          LOG.info("Node {} left the cluster: its tasks {} are failed", node, ended);
        }
      })
      .onFailure(e -> LOG.warn("Could not end the tasks of node {}, which left the cluster", node, e))
      .<Void>mapEmpty()
      .recover(e -> Future.succeededFuture());
  }

  /** Tasks whose body is running now. */
  public int running() {
    return running.get();
  }

  /** Tasks admitted and not yet running. */
  public int queued() {
    return Math.max(0, lane.inFlight() - running.get());
  }

  /** Tasks of this node that ended {@code done} since it started. */
  public long done() {
    return done.get();
  }

  /** Tasks of this node that ended {@code failed} since it started (their body threw, or they waited too long). */
  public long failed() {
    return failed.get();
  }

  /**
   * Stores {@code queued} under {@code id} unless a task with that id is still active. Compare-and-set only, so two nodes
   * sharing a cluster-wide registry cannot both claim one id.
   */
  private Future<JsonObject> claim(String id, JsonObject queued) {
    return registry.putIfAbsent(id, queued)
      .compose(existing -> {
        if (existing == null) {
          return Future.succeededFuture(queued);
        }
        if (!TaskStates.isTerminal(existing)) {
          return Future.failedFuture(alreadyActive(id, existing.getString(TaskStates.STATE)));
        }
        return registry.replace(id, existing, queued)
          .compose(replaced -> replaced
            ? Future.succeededFuture(queued)
            : Future.failedFuture(alreadyActive(id, null)));
      });
  }

  /**
   * Runs the body on the pool; completes (never fails) once the final state is stored, then frees the lane slot. A task
   * that waited for a thread past {@code tasks.maxWaitMs} is not run: it ends {@code failed}, saying so.
   */
  private Future<JsonObject> run(String id, JsonObject queued, TaskBody body, Lane.Admission admission) {
    AtomicReference<Future<JsonObject>> runningState = new AtomicReference<>();
    Future<Void> ran;
    try {
      ran = executor.executeBlocking(() -> {
        WorkThreads.yieldToEventLoops();
        admission.start();
        runningState.set(markRunning(id, queued));
        try {
          LOG.info("Starting Task {}", id);
          body.run();
          LOG.info("Finished Task {}", id);
          return null;
        } finally {
          running.decrementAndGet();
        }
      }, false);
    } catch (RuntimeException poolClosed) {
      ran = Future.failedFuture(poolClosed);
    }
    return ran
      .transform(outcome -> {
        if (outcome.failed()) {
          LOG.warn("Task {} failed: {}", id, TaskStates.describe(outcome.cause()));
        }
        (outcome.failed() ? failed : done).incrementAndGet();
        // The running state is written from the worker thread: the final state goes after it, never before.
        Future<JsonObject> before = runningState.get() == null ? Future.succeededFuture(queued) : runningState.get();
        return before.compose(state -> store(id, TaskStates.finished(state, Instant.now(), outcome.cause())));
      })
      .andThen(stored -> admission.finish());
  }

  private Future<JsonObject> markRunning(String id, JsonObject queued) {
    running.incrementAndGet();
    return store(id, TaskStates.running(queued, Instant.now()));
  }

  /** Stores a transition of a task this node owns; a registry failure is logged, never fatal to the task. */
  private Future<JsonObject> store(String id, JsonObject state) {
    return registry.put(id, state)
      .map(stored -> state)
      .recover(failure -> {
        LOG.error("Could not store state {} of task {}", state.getString(TaskStates.STATE), id, failure);
        return Future.succeededFuture(state);
      });
  }

  private static TaskIdInUseException alreadyActive(String id, String state) {
    return new TaskIdInUseException(id, state);
  }

  private static DrainingException draining() {
    return new DrainingException("this node is shutting down and takes no new tasks");
  }
}
