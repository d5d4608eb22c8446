package io.lanes.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * State of tracked work (tasks, jobs) by id, as JSON. Asynchronous so that the same callers work against a local map now
 * and a cluster-wide map when clustered. Entries in a terminal state are kept for a retention window, then forgotten.
 */
public interface Registry {

  /** The state under {@code id}, or {@code null} when unknown (never stored, or forgotten). */
  Future<JsonObject> get(String id);

  /** Stores {@code state} if {@code id} is unknown; the future holds the state already there, or {@code null} if stored. */
  Future<JsonObject> putIfAbsent(String id, JsonObject state);

  /** Replaces the state under {@code id} only if it still equals {@code expected}; true when replaced. */
  Future<Boolean> replace(String id, JsonObject expected, JsonObject state);

  /** Stores {@code state} under {@code id}, whatever was there. */
  Future<Void> put(String id, JsonObject state);
}
