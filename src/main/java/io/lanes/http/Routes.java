package io.lanes.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/**
 * One feature's part of the HTTP API, built per {@link HttpVerticle} instance on its context: it attaches handlers (and
 * the validation steps the contract cannot express) to its operations of the OpenAPI contract, mounts plain routes that
 * are no API operation, and says how its own domain failures are answered (the {@link FailureHandler} asks every
 * feature before its generic mappings). An operation's first tag names the lane it runs in, for the request log; a plain
 * route may name it in its metadata under {@link #LANE}.
 */
public interface Routes {

  /** Route metadata key: the lane a plain route's work runs in ({@code loop} when absent). */
  String LANE = "lane";

  /**
   * Handlers every request of the instance passes before it is routed (after the in-flight registry), each calling
   * {@code next()}: a recorder that times every request, say.
   */
  default List<Handler<RoutingContext>> rootHandlers() {
    return List.of();
  }

  /** Attaches this feature's handlers to its operations of the contract. */
  default void operations(Operations operations) {
  }

  /** Mounts this feature's plain routes (no API operation: pages, their assets). */
  default void mount(Router router) {
  }

  /** The answer to {@code failure} when it is one of this feature's own, else null. */
  default ApiException answer(Throwable failure) {
    return null;
  }

  /** Releases what this instance holds (an HTTP client, say); called when its verticle stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
