package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/** To {@link Addresses#FILES_WRITE}: write {@code bytes} bytes. Answered with {@link WriteDone}. */
public record WriteRequest(long bytes) {

  JsonObject toJson() {
    return new JsonObject().put("bytes", bytes);
  }

  static WriteRequest fromJson(JsonObject json) {
    return new WriteRequest(json.getLong("bytes"));
  }
}
