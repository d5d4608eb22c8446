package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/** A compute verticle took async job {@code id} out of its queue: sent to the address the job named. */
public record JobStarted(String id, String node, String thread, long startedAt) {

  JsonObject toJson() {
    return new JsonObject().put("id", id).put("node", node).put("thread", thread).put("started_at", startedAt);
  }

  static JobStarted fromJson(JsonObject json) {
    return new JobStarted(json.getString("id"), json.getString("node"), json.getString("thread"),
      json.getLong("started_at"));
  }
}
