package io.lanes.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Where a feature's operational endpoints ({@code /health} details, {@code /metrics}, {@code /schedules}) are served:
 * on the API, or on the node's ops listener ({@code ops.host:ops.port}) when it has one.
 */
public enum Placement {
  /** This is the API, and it serves the operational endpoints too (no ops listener). */
  API,
  /** This is the API of a node with an ops listener: the operational endpoints answer 404 here, saying where they are. */
  API_WITH_OPS_LISTENER,
  /** This is the ops listener: the endpoints are plain routes, outside the API contract. */
  OPS_LISTENER;

  /** For {@link #API_WITH_OPS_LISTENER}: a 404 naming the listener that serves {@code path}. */
  public static Handler<RoutingContext> servedOnTheOpsListener(String path) {
    return ctx -> ctx.fail(new ApiException(404, "not found",
      path + " is served on this node's ops listener (ops.host:ops.port), not on the API"));
  }
}
