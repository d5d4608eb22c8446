package io.lanes.bus;

import io.vertx.core.json.JsonObject;

/**
 * To {@link Addresses#COMPUTE_JOBS}: run job {@code type} on {@code params} (the request without its type), stopping at
 * {@code deadlineEpochMs}, and refused unrun when it could only start after {@code startByEpochMs} (the compute lane's
 * wait budget). An async job also has its {@code id} and the address to {@code reportStartTo} (a
 * {@link JobStarted}); both are null for a job its caller waits for. Answered with {@link JobResult}, or failed with a
 * {@link FailureCodes} code.
 */
public record JobRequest(String type, JsonObject params, long admittedAtEpochMs, long startByEpochMs,
                         long deadlineEpochMs, String id, String reportStartTo) {

  /** The parameters are copied: a message is immutable once made, so it can be handed over without a copy. */
  public JobRequest {
    params = params == null ? new JsonObject() : params.copy();
  }

  /** A job whose caller waits for its answer; a compute verticle that takes it after {@code startByEpochMs} refuses it. */
  public static JobRequest awaited(String type, JsonObject params, long admittedAtEpochMs, long startByEpochMs,
                                   long deadlineEpochMs) {
    return new JobRequest(type, params, admittedAtEpochMs, startByEpochMs, deadlineEpochMs, null, null);
  }

  /** The same job as an async one: {@code id}, and the start reported to {@code reportStartTo}. */
  public JobRequest async(String jobId, String startAddress) {
    return new JobRequest(type, params, admittedAtEpochMs, startByEpochMs, deadlineEpochMs, jobId, startAddress);
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
      .put("admittedAt", admittedAtEpochMs)
      .put("startBy", startByEpochMs)
      .put("deadline", deadlineEpochMs)
      .put("id", id)
      .put("reportStartTo", reportStartTo);
  }

  static JobRequest fromJson(JsonObject json) {
    return new JobRequest(json.getString("type"), json.getJsonObject("params"), json.getLong("admittedAt"),
      json.getLong("startBy"), json.getLong("deadline"), json.getString("id"), json.getString("reportStartTo"));
  }
}
