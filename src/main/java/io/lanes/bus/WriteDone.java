package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/** The answer to a {@link WriteRequest}: how many bytes were written, in how many seconds. */
public record WriteDone(long bytes, double elapsedSeconds) {

  JsonObject toJson() {
    return new JsonObject().put("bytes", bytes).put("elapsed", elapsedSeconds);
  }

  static WriteDone fromJson(JsonObject json) {
    return new WriteDone(json.getLong("bytes"), json.getDouble("elapsed"));
  }
}
