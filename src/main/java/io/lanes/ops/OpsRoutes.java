package io.lanes.ops;

import io.lanes.http.Operations;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.lanes.lifecycle.Readiness;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.function.BooleanSupplier;

/**
 * The operational routes: {@code GET /health} (vertx-health-check, the node's checks), {@code GET /ready} (readiness,
 * and a compute consumer reachable somewhere) and {@code GET /metrics} (Prometheus text).
 */
public final class OpsRoutes implements Routes {

  private final String nodeId;
  private final Readiness readiness;
  private final HealthChecks health;
  private final Handler<RoutingContext> scrape;
  private final BooleanSupplier computeReachable;
  private final int retryAfterSeconds;

  public OpsRoutes(String nodeId, Readiness readiness, HealthChecks health, Handler<RoutingContext> scrape,
                   BooleanSupplier computeReachable, int retryAfterSeconds) {
    this.nodeId = nodeId;
    this.readiness = readiness;
    this.health = health;
    this.scrape = scrape;
    this.computeReachable = computeReachable;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public void operations(Operations operations) {
    operations
      .handle("health", HealthCheckHandler.createWithHealthChecks(health))
      .handle("ready", this::ready)
      .handle("metrics", scrape);
  }

  private void ready(RoutingContext ctx) {
    Readiness.State state = readiness.state();
    // clustering: jobs need a compute consumer, on this node or on a live member
    boolean reachable = computeReachable.getAsBoolean();
    if (state == Readiness.State.READY && reachable) {
      Responses.ok(ctx, new JsonObject().put("status", "UP").put("node", nodeId));
      return;
    }
    ctx.response().putHeader(HttpHeaders.RETRY_AFTER, Integer.toString(retryAfterSeconds));
    Responses.send(ctx, 503, new JsonObject()
      .put("status", "DOWN")
      .put("error", "not ready")
      .put("detail", state == Readiness.State.READY ? "no compute consumer" : state.name().toLowerCase()));
  }
}
