package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.lanes.http.ApiException;
import io.lanes.http.Operations;
import io.lanes.http.Params;
import io.lanes.http.RequestValue;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The compute routes: {@code GET /process} (sum-mod, answered when done), {@code POST /jobs} (any job type, answered 202
 * at once) and {@code GET /jobs/{id}}. They validate on the event loop and hand the work to the compute lane; nothing is
 * computed here.
 */
public final class ComputeRoutes implements Routes {

  private static final RequestValue<Job> JOB = RequestValue.named("compute.job");

  private final ComputeSender sender;
  private final JobStore jobs;
  private final ComputeJobs types;
  private final LanesConfig.Compute limits;

  public ComputeRoutes(ComputeSender sender, JobStore jobs, ComputeJobs types, LanesConfig.Compute limits) {
    this.sender = sender;
    this.jobs = jobs;
    this.types = types;
    this.limits = limits;
  }

  /** A validated job: its type and its parameters with defaults filled in. */
  private record Job(String type, JsonObject params) {
  }

  @Override
  public void operations(Operations operations) {
    operations
      .handle("process", this::validateProcess, this::process)
      .handle("submitJob", this::validateJob, this::submit)
      .handle("jobState", this::status);
  }

  @Override
  public ApiException answer(Throwable failure) {
    if (failure instanceof InvalidJobException invalid) {
      return ApiException.badParameter(invalid.field(), invalid.problem(), invalid.value());
    }
    return null;
  }

  /** Route step of {@code /process}: {@code n} and {@code iterations} as sum-mod parameters. */
  private void validateProcess(RoutingContext ctx) {
    long maxIterations = limits.maxIterations();
    JsonObject params = new JsonObject()
      .put(SumModJob.N, Params.wholeNumber(ctx, SumModJob.N, SumModJob.DEFAULT_N, 1, SumModJob.MAX_N))
      .put(SumModJob.ITERATIONS, Params.wholeNumber(ctx, SumModJob.ITERATIONS,
        Math.min(SumModJob.DEFAULT_ITERATIONS, maxIterations), 0, maxIterations));
    accept(ctx, SumModJob.TYPE, params);
    ctx.next();
  }

  /** {@code GET /process}: {@code {"result","elapsed_ms","node","thread"}} once the compute lane has run it. */
  private void process(RoutingContext ctx) {
    Job job = JOB.get(ctx);
    sender.run(job.type(), job.params())
      .onSuccess(result -> Responses.ok(ctx, result.toJson()))
      .onFailure(ctx::fail);
  }

  /** Route step of {@code POST /jobs}: the body is a JSON object {@code {"type": ..., params...}} with valid params. */
  private void validateJob(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ApiException(400, "missing body", "POST /jobs takes a JSON object: {\"type\": ..., parameters...}");
    }
    if (!(Json.decodeValue(body) instanceof JsonObject request)) {
      throw ApiException.badParameter("body", "must be a JSON object: {\"type\": ..., parameters...}", null);
    }
    Object type = request.remove(ComputeJobs.TYPE);
    accept(ctx, type, request);
    ctx.next();
  }

  /** {@code POST /jobs}: 202 {@code {"id"}} with {@code Location: /jobs/{id}}, or 503 at once when the lane is full. */
  private void submit(RoutingContext ctx) {
    Job job = JOB.get(ctx);
    jobs.submit(job.type(), job.params())
      .onSuccess(id -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/jobs/" + id);
        Responses.send(ctx, 202, new JsonObject().put("id", id));
      })
      .onFailure(ctx::fail);
  }

  /** {@code GET /jobs/{id}}: the job's state, or 404. */
  private void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    jobs.status(id)
      .onSuccess(state -> {
        if (state == null) {
          ctx.fail(new ApiException(404, "not found", "no job " + id + " (unknown, or finished and forgotten)"));
        } else {
          Responses.ok(ctx, state);
        }
      })
      .onFailure(ctx::fail);
  }

  /** Validates against this node's limits and keeps the job for the next step; a bad field is a 400 naming it. */
  private void accept(RoutingContext ctx, Object type, JsonObject params) {
    JsonObject validated = types.validate(type, params, limits);
    JOB.put(ctx, new Job((String) type, validated));
  }
}
