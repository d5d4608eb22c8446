package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/**
 * The answer to a {@link JobRequest}: its {@code result} (a JSON number or string), run time, node and thread, how long
 * it waited for a compute verticle, and when the compute verticle started it (epoch ms), so that the state of an async
 * job keeps its start even when the start report arrives after the answer.
 */
public record JobResult(Object result, long elapsedMs, String node, String thread, long waitedMs, long startedAt) {

  /** {@code {"result","elapsed_ms","node","thread","waited_ms","started_at"}}, the body of {@code GET /process}. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("result", result)
      .put("elapsed_ms", elapsedMs)
      .put("node", node)
      .put("thread", thread)
      .put("waited_ms", waitedMs)
      .put("started_at", startedAt);
  }

  static JobResult fromJson(JsonObject json) {
    return new JobResult(json.getValue("result"), json.getLong("elapsed_ms"), json.getString("node"),
      json.getString("thread"), json.getLong("waited_ms", 0L), json.getLong("started_at", 0L));
  }
}
