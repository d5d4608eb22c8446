package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/**
 * To {@link Addresses#FILES_WRITE}: write {@code bytes} bytes. The request was admitted at {@code admittedAtEpochMs}; a
 * writer that takes it after {@code startByEpochMs} (the lane's wait budget) refuses it unwritten, and one still writing
 * at {@code deadlineEpochMs} (the requester's timeout) stops and deletes its temp file. Answered with {@link WriteDone}.
 */
public record WriteRequest(long bytes, long admittedAtEpochMs, long startByEpochMs, long deadlineEpochMs) {

  JsonObject toJson() {
    return new JsonObject()
      .put("bytes", bytes)
      .put("admittedAt", admittedAtEpochMs)
      .put("startBy", startByEpochMs)
      .put("deadline", deadlineEpochMs);
  }

  static WriteRequest fromJson(JsonObject json) {
    return new WriteRequest(json.getLong("bytes"), json.getLong("admittedAt"), json.getLong("startBy"),
      json.getLong("deadline"));
  }
}
