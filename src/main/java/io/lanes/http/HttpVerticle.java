package io.lanes.http;

import io.lanes.config.ConfigLoader;
import io.lanes.config.LanesConfig;
import io.lanes.lifecycle.Readiness;
import io.lanes.lifecycle.StartupException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.openapi.router.RouterBuilder;

import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Serves the HTTP API on {@code http.host:http.port}; N instances share the port, one per event loop. Its router is built
 * from the OpenAPI contract: each feature's {@link Routes} (built for this instance, on its context) attaches its
 * handlers to its operations and mounts its plain routes; then the failure handler; then it listens. Blocking and CPU
 * work leave through the lanes; this verticle only routes, validates and answers. Built without a contract it is a
 * plain listener (the ops listener): only the features' plain routes.
 */
public final class HttpVerticle extends VerticleBase {

  private static final long SHUTDOWN_BACKSTOP_MS = 1000;

  private final String settings;
  private final LanesConfig.Http http;
  private final LanesConfig.Shutdown shutdown;
  private final Readiness readiness;
  private final ApiContract contract;
  private final Function<Vertx, List<Routes>> features;
  private HttpServer server;
  private Router router;
  private InFlightRequests inFlight;
  private List<Routes> routes = List.of();

  /** The HTTP API on {@code http.host:http.port}, routed by {@code contract}. */
  public HttpVerticle(LanesConfig.Http http, LanesConfig.Shutdown shutdown, Readiness readiness, ApiContract contract,
                      Function<Vertx, List<Routes>> features) {
    this("http", http, shutdown, readiness, contract, features);
  }

  /**
   * A listener on {@code listener}'s host and port, configured by the keys {@code <settings>.host} and
   * {@code <settings>.port} (named when it cannot bind), serving {@code features}: their operations of
   * {@code contract}, or only their plain routes when {@code contract} is null.
   */
  public HttpVerticle(String settings, LanesConfig.Http listener, LanesConfig.Shutdown shutdown, Readiness readiness,
                      ApiContract contract, Function<Vertx, List<Routes>> features) {
    this.settings = settings;
    this.http = listener;
    this.shutdown = shutdown;
    this.readiness = readiness;
    this.contract = contract;
    this.features = features;
  }

  @Override
  public Future<?> start() {
    routes = features.apply(vertx);
    inFlight = new InFlightRequests(Integer.toHexString(System.identityHashCode(this)) + "-", http.idleTimeoutSeconds());
    FailureHandler failures = new FailureHandler(http.retryAfterSeconds(), routes, contract);
    if (contract == null) {
      router = Router.router(vertx);
      router.route().handler(inFlight);
      routes.forEach(feature -> feature.rootHandlers().forEach(handler -> router.route().handler(handler)));
      router.route().handler(RequestChecks::headDecodes);
    } else {
      Future<Router> built = contractRouter();
      if (built.failed()) {
        return built;
      }
      router = built.result();
    }
    routes.forEach(feature -> feature.mount(router));
    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(400, failures::undecodable);
    router.errorHandler(500, failures);

    server = vertx.createHttpServer(serverOptions()).requestHandler(router);
    // A negative port makes every instance share one random port (port 0 would give each its own); every server of
    // this Vert.x listening on -1 shares it, so a single-instance listener (ops) asks for its own.
    int port = http.port() == 0 && http.instances() > 1 ? -1 : http.port();
    return server.listen(port, http.host())
      .recover(failure -> Future.failedFuture(cannotListen(failure)));
  }

  /** The router of the contract's operations, each with its feature's handlers; failed when one has none. */
  private Future<Router> contractRouter() {
    // The validator reads bodies a BodyHandler has already read: one for the operations with a body, before it.
    BodyHandler bodies = BodyHandler.create(false).setBodyLimit(http.maxBodyBytes());
    RouterBuilder builder = RouterBuilder.create(vertx, contract.openApi(), new JsonBodies()).rootHandler(inFlight);
    routes.forEach(feature -> feature.rootHandlers().forEach(builder::rootHandler));
    builder
      .rootHandler(RequestChecks::headDecodes)
      .rootHandler(ctx -> {
        if (contract.hasBody(ctx.request().method(), ctx.request().path())) {
          bodies.handle(ctx);
        } else {
          ctx.next();
        }
      });
    Operations operations = new Operations(builder);
    routes.forEach(feature -> feature.operations(operations));
    if (!operations.unhandled().isEmpty()) {
      // Vert.x would answer them 503: a contract ahead of the code is a deployment error, not a runtime one.
      return Future.failedFuture(new VertxException("operations of " + ApiContract.RESOURCE + " without a handler: "
        + operations.unhandled(), true));
    }
    return Future.succeededFuture(builder.createRouter());
  }

  /** One line: the address, what went wrong, and the setting to change. */
  private StartupException cannotListen(Throwable failure) {
    String address = http.host() + ":" + http.port();
    String reason = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
    String port = ConfigLoader.settingOf(settings + ".port");
    String host = ConfigLoader.settingOf(settings + ".host");
    String why;
    if (reason.contains("already in use")) {
      why = "the address is already in use (another process listens there). Set another port with " + port
        + " (0 picks a free one)";
    } else if (reason.contains("assign requested address")) {
      why = http.host() + " is not an address of this host. Set " + host + " (0.0.0.0: every interface)";
    } else if (reason.contains("permission denied")) {
      why = "permission denied (ports below 1024 need privileges). Set another port with " + port;
    } else if (failure instanceof UnknownHostException || reason.contains("resolve")) {
      why = "the host name " + http.host() + " does not resolve. Set " + host;
    } else {
      why = failure.getClass().getSimpleName() + ": " + failure.getMessage() + ". Check " + host + " and " + port;
    }
    return new StartupException("Cannot listen on " + address + ": " + why + ".");
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
      // The grace is ours: at its end the requests still running are named, then cut. The server's own shutdown
      // timeout is only a backstop past it.
      long graceTimer = vertx.setTimer(Math.max(1, shutdown.graceMs()), id -> {
        if (inFlight.size() > 0) {
          inFlight.logUnfinished(shutdown.graceMs());
          server.close();
        }
      });
      return server.shutdown(shutdown.graceMs() + SHUTDOWN_BACKSTOP_MS, TimeUnit.MILLISECONDS)
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
