package io.lanes.schedule;

import io.lanes.http.Operations;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /schedules}: the periodic jobs of this node and what they did, from the node's {@link ScheduleBoard}. */
public final class ScheduleRoutes implements Routes {

  private final String nodeId;
  private final ScheduleBoard board;

  public ScheduleRoutes(String nodeId, ScheduleBoard board) {
    this.nodeId = nodeId;
    this.board = board;
  }

  @Override
  public void operations(Operations operations) {
    operations.handle("schedules", this::list);
  }

  private void list(RoutingContext ctx) {
    Responses.ok(ctx, new JsonObject()
      .put("node", nodeId)
      .put("schedules", board.toJson()));
  }
}
