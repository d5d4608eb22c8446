package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/**
 * To {@link Addresses#COMPUTE_JOBS}: run job {@code type} on {@code params} (the request without its type), stopping at
 * {@code deadlineEpochMs}. An async job also has its {@code id} and the address to {@code reportStartTo} (a
 * {@link JobStarted}); both are null for a job its caller waits for. Answered with {@link JobResult}, or failed with a
 * {@link FailureCodes} code.
 */
public record JobRequest(String type, JsonObject params, long deadlineEpochMs, String id, String reportStartTo) {

  /** The parameters are copied: a message is immutable once made, so it can be handed over without a copy. */
  public JobRequest {
    params = params == null ? new JsonObject() : params.copy();
  }

  /** A job whose caller waits for its answer. */
  public static JobRequest awaited(String type, JsonObject params, long deadlineEpochMs) {
    return new JobRequest(type, params, deadlineEpochMs, null, null);
  }

  /** The same job as an async one: {@code id}, and the start reported to {@code reportStartTo}. */
  public JobRequest async(String jobId, String startAddress) {
    return new JobRequest(type, params, deadlineEpochMs, jobId, startAddress);
  }

  /** The parameters (a copy: the message's own stay as sent). */
  @Override
  public JsonObject params() {
    return params.copy();
  }

  JsonObject toJson() {
    return new JsonObject()
      .put("type", type)
      .put("params", params)
      .put("deadline", deadlineEpochMs)
      .put("id", id)
      .put("reportStartTo", reportStartTo);
  }

  static JobRequest fromJson(JsonObject json) {
    return new JobRequest(json.getString("type"), json.getJsonObject("params"), json.getLong("deadline"),
      json.getString("id"), json.getString("reportStartTo"));
  }
}
