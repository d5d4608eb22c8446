package io.lanes.http;

import io.lanes.config.LanesConfig;
import io.lanes.lifecycle.Readiness;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Serves the HTTP API on {@code http.host:http.port}; N instances share the port, one per event loop. It mounts each
 * feature's {@link Routes} (built for this instance, on its context), the failure handler, and listens. Blocking and CPU
 * work leave through the lanes; this verticle only routes, validates and answers.
 */
public final class HttpVerticle extends VerticleBase {

  private final LanesConfig.Http http;
  private final LanesConfig.Shutdown shutdown;
  private final Readiness readiness;
  private final Function<Vertx, List<Routes>> features;
  private HttpServer server;
  private Router router;
  private InFlightRequests inFlight;
  private List<Routes> routes = List.of();

  public HttpVerticle(LanesConfig.Http http, LanesConfig.Shutdown shutdown, Readiness readiness,
                      Function<Vertx, List<Routes>> features) {
    this.http = http;
    this.shutdown = shutdown;
    this.readiness = readiness;
    this.features = features;
  }

  @Override
  public Future<?> start() {
    routes = features.apply(vertx);
    inFlight = new InFlightRequests(Integer.toHexString(System.identityHashCode(this)) + "-", http.idleTimeoutSeconds());
    FailureHandler failures = new FailureHandler(http.retryAfterSeconds(), routes);

    router = Router.router(vertx);
    router.route().handler(inFlight);
    router.route().handler(RequestChecks::headDecodes);
    routes.forEach(feature -> feature.mount(router));
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(400, failures::undecodable);
    router.errorHandler(500, failures);

    server = vertx.createHttpServer(serverOptions()).requestHandler(router);
    // A negative port makes every instance share one random port (port 0 would give each its own).
    return server.listen(http.port() == 0 ? -1 : http.port(), http.host());
  }

  /**
   * Every route the features mounted, as {@code METHOD /path} ({@code /tasks/:task_id} style), sorted: the API as the
   * router serves it, for tools that must not keep a copy of it. Known once {@link #start()} completed.
   */
  public List<String> routeTable() {
    return router.getRoutes().stream()
      .filter(route -> route.getPath() != null)
      .flatMap(route -> (route.methods() == null || route.methods().isEmpty()
        ? java.util.stream.Stream.of("ANY")
        : route.methods().stream().map(HttpMethod::name))
        .map(method -> method + " " + route.getPath()))
      .distinct()
      .sorted()
      .toList();
  }

  /** The port this instance listens on (the real one when 0 was configured); known once {@link #start()} completed. */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Readiness goes DOWN first; after {@code shutdown.drainDelayMs} (time for a load balancer to notice) the listener closes
   * and in-flight requests get {@code shutdown.graceMs} to finish. Those still running then are logged by id and cut.
   */
  @Override
  public Future<?> stop() {
    readiness.drain();
    Future<?> delay = shutdown.drainDelayMs() > 0
      ? vertx.timer(shutdown.drainDelayMs(), TimeUnit.MILLISECONDS)
      : Future.succeededFuture();
    return delay.compose(v -> {
      long graceTimer = vertx.setTimer(Math.max(1, shutdown.graceMs()), id -> inFlight.logUnfinished(shutdown.graceMs()));
      return server.shutdown(shutdown.graceMs(), TimeUnit.MILLISECONDS)
        .andThen(done -> vertx.cancelTimer(graceTimer));
    }).eventually(() -> Future.join(routes.stream().map(Routes::close).toList()));
  }

  private HttpServerOptions serverOptions() {
    return new HttpServerOptions()
      .setIdleTimeout(http.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setMaxHeaderSize(http.maxHeaderBytes())
      .setMaxFormAttributeSize(http.maxBodyBytes())
      .setMaxFormBufferedBytes(http.maxBodyBytes())
      .setMaxInitialLineLength(http.maxUriBytes());
  }
}
