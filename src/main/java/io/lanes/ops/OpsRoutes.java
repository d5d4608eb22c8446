package io.lanes.ops;

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
 * of its own ({@code ops.port}) the API gets {@link #onApi} (only {@code /ready} and a {@code /health} that says UP or
 * DOWN, nothing about the node) and the ops listener {@link #details}; otherwise the API gets the details.
 */
public final class OpsRoutes implements Routes {

  private final String nodeId;
  private final Readiness readiness;
  private final HealthChecks health;
  private final Handler<RoutingContext> scrape;
  private final BooleanSupplier computeReachable;
  private final int retryAfterSeconds;
  private final boolean details;

  private OpsRoutes(String nodeId, Readiness readiness, HealthChecks health, Handler<RoutingContext> scrape,
                    BooleanSupplier computeReachable, int retryAfterSeconds, boolean details) {
    this.nodeId = nodeId;
    this.readiness = readiness;
    this.health = health;
    this.scrape = scrape;
    this.computeReachable = computeReachable;
    this.retryAfterSeconds = retryAfterSeconds;
    this.details = details;
  }

  /** {@code /health} with every check's data, {@code /ready} and {@code /metrics}. */
  public static OpsRoutes details(String nodeId, Readiness readiness, HealthChecks health, Handler<RoutingContext> scrape,
                                  BooleanSupplier computeReachable, int retryAfterSeconds) {
    return new OpsRoutes(nodeId, readiness, health, scrape, computeReachable, retryAfterSeconds, true);
  }

  /** For an API whose operational details are on a listener of their own: {@code /ready} and a bare {@code /health}. */
  public static OpsRoutes onApi(String nodeId, Readiness readiness, HealthChecks health,
                                BooleanSupplier computeReachable, int retryAfterSeconds) {
    return new OpsRoutes(nodeId, readiness, health, null, computeReachable, retryAfterSeconds, false);
  }

  @Override
  public void mount(Router router) {
    router.get("/ready").handler(this::ready);
    if (details) {
      router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(health));
      router.get("/metrics").handler(scrape);
    } else {
      router.get("/health").handler(this::status);
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
