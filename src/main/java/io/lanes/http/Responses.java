package io.lanes.http;

import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Writing JSON answers. Every route answers through here or through {@link FailureHandler}. */
public final class Responses {

  private static final String JSON = "application/json";

  private Responses() {
  }

  public static Future<Void> ok(RoutingContext ctx, JsonObject body) {
    return send(ctx, 200, body);
  }

  public static Future<Void> send(RoutingContext ctx, int status, JsonObject body) {
    if (ctx.response().ended() || ctx.response().closed()) {
      return Future.succeededFuture();
    }
    return ctx.response()
      .setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
      .end(body.encode());
  }
}
