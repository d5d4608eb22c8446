package io.lanes.schedule;

import io.lanes.app.Node;
import io.lanes.http.Responses;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** {@code GET /schedules}: the periodic jobs of this node and what they did, from the node's {@link ScheduleBoard}. */
public final class ScheduleHandlers {

  private final Node node;

  public ScheduleHandlers(Node node) {
    this.node = node;
  }

  public void list(RoutingContext ctx) {
    Responses.ok(ctx, new JsonObject()
      .put("node", node.id())
      .put("schedules", node.schedules().toJson()));
  }
}
