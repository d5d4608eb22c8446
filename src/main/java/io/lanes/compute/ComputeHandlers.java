package io.lanes.compute;

import io.lanes.app.Node;
import io.lanes.bus.Addresses;
import io.lanes.http.ApiException;
import io.lanes.http.Params;
import io.lanes.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * The compute routes of one HttpVerticle instance: {@code GET /process} (sum-mod, answered when done), {@code POST /jobs}
 * (any job type, answered 202 at once) and {@code GET /jobs/{id}}. They validate on the event loop and hand the work to the
 * node's {@link ComputeClient}; nothing is computed here.
 */
public final class ComputeHandlers {

  private static final String JOB_TYPE = "compute.type";
  private static final String JOB_PARAMS = "compute.params";

  private final Vertx vertx;
  private final Node node;
  private final ComputeClient compute;

  public ComputeHandlers(Vertx vertx, Node node) {
    this.vertx = vertx;
    this.node = node;
    this.compute = node.compute();
  }

  /**
   * Registers (cluster-visible, on the caller's context) the consumer of start reports for this node's async jobs; the
   * future completes once it is registered.
   */
  public Future<Void> listen() {
    return vertx.eventBus()
      .<JsonObject>consumer(Addresses.computeStarted(node.id()), compute::started)
      .completion();
  }

  /** Route step of {@code /process}: {@code n} and {@code iterations} as sum-mod parameters. */
  public void validateProcess(RoutingContext ctx) {
    long maxIterations = node.config().compute().maxIterations();
    JsonObject params = new JsonObject()
      .put(SumModJob.N, Params.wholeNumber(ctx, SumModJob.N, SumModJob.DEFAULT_N, 1, SumModJob.MAX_N))
      .put(SumModJob.ITERATIONS, Params.wholeNumber(ctx, SumModJob.ITERATIONS,
        Math.min(SumModJob.DEFAULT_ITERATIONS, maxIterations), 0, maxIterations));
    accept(ctx, SumModJob.TYPE, params);
    ctx.next();
  }

  /** {@code GET /process}: {@code {"result","elapsed_ms","node","thread"}} once the compute lane has run it. */
  public void process(RoutingContext ctx) {
    compute.run(ctx.get(JOB_TYPE), ctx.get(JOB_PARAMS))
      .onSuccess(reply -> Responses.ok(ctx, reply))
      .onFailure(ctx::fail);
  }

  /** Route step of {@code POST /jobs}: the body is a JSON object {@code {"type": ..., params...}} with valid params. */
  public void validateJob(RoutingContext ctx) {
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
  public void submit(RoutingContext ctx) {
    compute.submit(ctx.get(JOB_TYPE), ctx.get(JOB_PARAMS))
      .onSuccess(id -> {
        ctx.response().putHeader(HttpHeaders.LOCATION, "/jobs/" + id);
        Responses.send(ctx, 202, new JsonObject().put("id", id));
      })
      .onFailure(ctx::fail);
  }

  /** {@code GET /jobs/{id}}: the job's state, or 404. */
  public void status(RoutingContext ctx) {
    String id = ctx.pathParam("id");
    compute.status(id)
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
    try {
      ctx.put(JOB_PARAMS, compute.validate(type, params));
    } catch (InvalidJobException e) {
      throw ApiException.badParameter(e.field(), e.problem(), e.value());
    }
    ctx.put(JOB_TYPE, type);
  }
}
