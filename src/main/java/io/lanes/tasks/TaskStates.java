package io.lanes.tasks;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;

/**
 * The JSON a task's state is stored and answered as:
 * {@code {"id","state","node","submitted_at","started_at","finished_at","error"}}, instants in ISO-8601 or null;
 * {@code node} is the node that accepted and runs it. {@code done} and {@code failed} are terminal: only a terminal id may
 * be submitted again.
 */
final class TaskStates {

  static final String QUEUED = "queued";
  static final String RUNNING = "running";
  static final String DONE = "done";
  static final String FAILED = "failed";
  static final Set<String> TERMINAL = Set.of(DONE, FAILED);

  static final String ID = "id";
  static final String STATE = "state";
  static final String NODE = "node";
  static final String SUBMITTED_AT = "submitted_at";
  static final String STARTED_AT = "started_at";
  static final String FINISHED_AT = "finished_at";
  static final String ERROR = "error";

  private TaskStates() {
  }

  static JsonObject queued(String id, String node, Instant submittedAt) {
    return new JsonObject()
      .put(ID, id)
      .put(STATE, QUEUED)
      .put(NODE, node)
      .put(SUBMITTED_AT, submittedAt.toString())
      .putNull(STARTED_AT)
      .putNull(FINISHED_AT)
      .putNull(ERROR);
  }

  static JsonObject running(JsonObject queued, Instant startedAt) {
    return queued.copy()
      .put(STATE, RUNNING)
      .put(STARTED_AT, startedAt.toString());
  }

  /** The final state: {@code done}, or {@code failed} with {@code cause} as its error. */
  static JsonObject finished(JsonObject before, Instant finishedAt, Throwable cause) {
    JsonObject state = before.copy()
      .put(STATE, cause == null ? DONE : FAILED)
      .put(FINISHED_AT, finishedAt.toString());
    return cause == null ? state : state.put(ERROR, describe(cause));
  }

  static boolean isTerminal(JsonObject state) {
    return TERMINAL.contains(state.getString(STATE));
  }

  /** What a task gets when the node running it left the cluster: {@code failed}, saying so, finished {@code at}. */
  static JsonObject nodeLeft(String node, Instant at) {
    return new JsonObject()
      .put(STATE, FAILED)
      .put(FINISHED_AT, at.toString())
      .put(ERROR, "node " + node + " left the cluster");
  }

  static String describe(Throwable cause) {
    String message = cause.getMessage();
    return message == null ? cause.getClass().getSimpleName() : cause.getClass().getSimpleName() + ": " + message;
  }
}
