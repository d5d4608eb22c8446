package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonObject;

/**
 * One kind of CPU job: a pure function of its parameters. {@link #validate} runs on both sides of the event bus (the
 * sender answers 400 at once; the compute node re-checks against its own limits); {@link #run} runs on a compute thread and
 * calls {@link Deadline#check()} every few milliseconds so a job past its deadline frees its thread.
 */
public interface ComputeJob {

  /** The {@code type} clients name the job by, e.g. {@code sum-mod}. */
  String type();

  /**
   * The parameters the job will run with: {@code params} (the request without {@code type}) checked against
   * {@code limits}, defaults filled in. Unknown fields are refused. Throws {@link InvalidJobException} naming the field.
   */
  JsonObject validate(JsonObject params, LanesConfig.Compute limits);

  /** Runs the job on validated parameters; the result is a JSON value (a number or a string). */
  Object run(JsonObject params, Deadline deadline);
}
