package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/** The answer to a {@link WriteRequest}: how many bytes were written, in how many seconds, after waiting how long. */
public record WriteDone(long bytes, double elapsedSeconds, long waitedMs) {

  JsonObject toJson() {
    return new JsonObject().put("bytes", bytes).put("elapsed", elapsedSeconds).put("waitedMs", waitedMs);
  }

  static WriteDone fromJson(JsonObject json) {
    return new WriteDone(json.getLong("bytes"), json.getDouble("elapsed"), json.getLong("waitedMs"));
  }
}
