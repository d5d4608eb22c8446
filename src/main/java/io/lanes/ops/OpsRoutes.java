package io.lanes.ops;

import io.lanes.http.Operations;
import io.lanes.http.Placement;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.lanes.lifecycle.Readiness;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.CheckResult;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.function.BooleanSupplier;

/**
 * The operational routes: {@code GET /health} (vertx-health-check, the node's checks), {@code GET /ready} (readiness,
 * and a compute consumer reachable somewhere) and {@code GET /metrics} (Prometheus text). On a node with an ops listener
 * of its own ({@code ops.port}) the API gets {@code /ready}, a {@code /health} that says UP or DOWN and nothing about
 * the node, and a {@code /metrics} that answers 404 naming the ops listener; the ops listener gets all three in full,
 * as plain routes. Otherwise the API serves them in full.
 */
public final class OpsRoutes implements Routes {

  private final String nodeId;
  private final Readiness readiness;
  private final HealthChecks health;
  private final Handler<RoutingContext> scrape;
  private final BooleanSupplier computeReachable;
  private final int retryAfterSeconds;
  private final Placement placement;

  public OpsRoutes(Placement placement, String nodeId, Readiness readiness, HealthChecks health,
                   Handler<RoutingContext> scrape, BooleanSupplier computeReachable, int retryAfterSeconds) {
    this.placement = placement;
    this.nodeId = nodeId;
    this.readiness = readiness;
    this.health = health;
    this.scrape = scrape;
    this.computeReachable = computeReachable;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  @Override
  public void operations(Operations operations) {
    if (placement == Placement.OPS_LISTENER) {
      return;
    }
    boolean here = placement == Placement.API;
    operations
      .handle("health", here ? HealthCheckHandler.createWithHealthChecks(health) : this::status)
      .handle("ready", this::ready)
      .handle("metrics", here ? scrape : Placement.servedOnTheOpsListener("/metrics"));
  }

  @Override
  public void mount(Router router) {
    if (placement == Placement.OPS_LISTENER) {
      router.get("/ready").handler(this::ready);
      router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(health));
      router.get("/metrics").handler(scrape);
    }
  }

  /** UP (200) or DOWN (503), and no more: which checks failed and why is for the ops listener. */
  private void status(RoutingContext ctx) {
    health.checkStatus()
      .onSuccess(result -> {
        boolean up = CheckResult.isUp(result);
        Responses.send(ctx, up ? 200 : 503, new JsonObject().put("status", up ? "UP" : "DOWN"));
      })
      .onFailure(ctx::fail);
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
