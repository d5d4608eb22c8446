package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The job types a node knows, by {@code type}: the same registry validates on the HTTP front and runs on compute nodes. */
public final class ComputeJobs {

  public static final String TYPE = "type";

  private final Map<String, ComputeJob> byType = new TreeMap<>();

  public ComputeJobs(List<ComputeJob> jobs) {
    for (ComputeJob job : jobs) {
      byType.put(job.type(), job);
    }
  }

  /** {@code sum-mod}, {@code primes}, {@code sha256}, {@code score}. */
  public static ComputeJobs standard() {
    return new ComputeJobs(List.of(new SumModJob(), new PrimesJob(), new Sha256Job(), new ScoreJob()));
  }

  /** The job of {@code type}; {@link InvalidJobException} naming {@code type} when it is missing or unknown. */
  public ComputeJob require(Object type) {
    if (type == null) {
      throw new InvalidJobException(TYPE, "is required (one of " + byType.keySet() + ")", null);
    }
    ComputeJob job = type instanceof String name ? byType.get(name) : null;
    if (job == null) {
      throw new InvalidJobException(TYPE, "must be one of " + byType.keySet(), type);
    }
    return job;
  }

  /** Validated parameters of a job of {@code type}: see {@link ComputeJob#validate}. */
  public JsonObject validate(Object type, JsonObject params, LanesConfig.Compute limits) {
    return require(type).validate(params == null ? new JsonObject() : params, limits);
  }
}
