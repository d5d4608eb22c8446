package io.lanes.schedule;

import io.lanes.http.Operations;
import io.lanes.http.Placement;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /schedules}: the periodic jobs of this node and what they did, from the node's {@link ScheduleBoard}. On a
 * node with an ops listener it is served there (a plain route), and the API answers 404 naming it.
 */
public final class ScheduleRoutes implements Routes {

  private final Placement placement;
  private final String nodeId;
  private final ScheduleBoard board;

  public ScheduleRoutes(Placement placement, String nodeId, ScheduleBoard board) {
    this.placement = placement;
    this.nodeId = nodeId;
    this.board = board;
  }

  @Override
  public void operations(Operations operations) {
    switch (placement) {
      case API -> operations.handle("schedules", this::list);
      case API_WITH_OPS_LISTENER -> operations.handle("schedules", Placement.servedOnTheOpsListener("/schedules"));
      case OPS_LISTENER -> { }
    }
  }

  @Override
  public void mount(Router router) {
    if (placement == Placement.OPS_LISTENER) {
      router.get("/schedules").handler(this::list);
    }
  }

  private void list(RoutingContext ctx) {
    Responses.ok(ctx, new JsonObject()
      .put("node", nodeId)
      .put("schedules", board.toJson()));
  }
}
