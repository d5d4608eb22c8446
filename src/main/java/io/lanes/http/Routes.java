package io.lanes.http;

import io.vertx.core.Future;
import io.vertx.ext.web.Router;

/**
 * One feature's part of the HTTP API, built per {@link HttpVerticle} instance on its context: it mounts its routes and
 * their validation steps, and says how its own domain failures are answered (the {@link FailureHandler} asks every
 * feature before its generic mappings). A route names the lane it uses in its metadata under {@link #LANE}, for the
 * request log.
 */
public interface Routes {

  /** Route metadata key: the lane a route's work runs in ({@code loop} when absent). */
  String LANE = "lane";

  void mount(Router router);

  /** The answer to {@code failure} when it is one of this feature's own, else null. */
  default ApiException answer(Throwable failure) {
    return null;
  }

  /** Releases what this instance holds (an HTTP client, say); called when its verticle stops. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
