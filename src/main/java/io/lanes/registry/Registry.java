package io.lanes.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * State of tracked work (tasks, jobs) by id, as JSON. Asynchronous so that the same callers work against a local map now
 * and a cluster-wide map when clustered. Entries in a terminal state are kept for a retention window, then forgotten;
 * every write, whichever method makes it, gives the entry the retention of the state it writes.
 */
public interface Registry {

  /** The state under {@code id}, or {@code null} when unknown (never stored, or forgotten). */
  Future<JsonObject> get(String id);

  /** Stores {@code state} if {@code id} is unknown; the future holds the state already there, or {@code null} if stored. */
  Future<JsonObject> putIfAbsent(String id, JsonObject state);

  /** Replaces the state under {@code id} only if it still equals {@code expected} (as JSON); true when replaced. */
  Future<Boolean> replace(String id, JsonObject expected, JsonObject state);

  /** Stores {@code state} under {@code id}, whatever was there. */
  Future<Void> put(String id, JsonObject state);

  /**
   * Ends the work of a node that is gone: every entry that is not terminal and whose {@code nodeKey} names {@code node}
   * gets {@code ending} merged into it (a terminal state, its error and finish time; the rest of the entry is kept) and
   * the retention of a terminal state. Each entry is changed atomically, so two nodes doing this at once end it once.
   * The future holds the ids it ended.
   */
  Future<List<String>> endActive(String nodeKey, String node, JsonObject ending);
}
