package io.lanes.http;

import io.lanes.app.Node;
import io.lanes.compute.ComputeHandlers;
import io.lanes.config.LanesConfig;
import io.lanes.schedule.ScheduleHandlers;
import io.lanes.tasks.TaskHandlers;
import io.lanes.files.FileHandlers;
import io.lanes.files.WriteMode;
import io.lanes.fanout.EmbeddedUpstreams;
import io.lanes.fanout.FanoutHandlers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;

import java.util.concurrent.TimeUnit;

/**
 * Serves the HTTP API on {@code http.host:http.port}; N instances share the port, one per event loop. Blocking and CPU
 * work leave through the lanes; this verticle only routes, validates and answers.
 */
public final class HttpVerticle extends VerticleBase {

  private final Node node;
  private HttpServer server;
  private InFlightRequests inFlight;
  private FanoutHandlers fanout;

  public HttpVerticle(Node node) {
    this.node = node;
  }

  @Override
  public Future<?> start() {
    LanesConfig config = node.config();
    CoreHandlers core = new CoreHandlers(vertx, node);
    FailureHandler failures = new FailureHandler(config.http().retryAfterSeconds());

    inFlight = new InFlightRequests(Integer.toHexString(System.identityHashCode(this)) + "-");

    Router router = Router.router(vertx);
    router.route().handler(inFlight);
    router.route().handler(RequestChecks::headDecodes);
    router.get("/").handler(core::root);
    router.get("/hello").handler(core::hello);
    router.get("/health").handler(HealthCheckHandler.createWithHealthChecks(node.health()));
    router.get("/ready").handler(core::ready);
    router.get("/metrics").handler(node.ops().scrapeHandler());
    router.get("/sync").handler(core::validateSeconds).handler(core::sync);
    router.get("/async").handler(core::validateSeconds).handler(core::async);
    // tasks
    TaskHandlers tasks = new TaskHandlers(node);
    router.get("/task/:task_id").handler(tasks::validateSubmit).handler(tasks::submit);
    router.get("/resource").handler(tasks::resource);
    router.get("/tasks/:task_id").handler(tasks::status);
    router.get("/schedules").handler(new ScheduleHandlers(node)::list);
    // files
    FileHandlers files = new FileHandlers(vertx, node);
    router.route("/write").method(HttpMethod.GET).method(HttpMethod.POST)
      .handler(files.validateWrite()).handler(files::write);
    router.route("/write_with_thread").method(HttpMethod.GET).method(HttpMethod.POST)
      .handler(files.validateWrite(WriteMode.BLOCKING)).handler(files::write);
    router.route("/write_async").method(HttpMethod.GET).method(HttpMethod.POST)
      .handler(files.validateWrite(WriteMode.ASYNC)).handler(files::write);
    router.route("/write_bad").method(HttpMethod.GET).method(HttpMethod.POST)
      .handler(files.validateWrite(WriteMode.EVENT_LOOP)).handler(files::write);
    router.post("/send").handler(files.sendBody()).handler(files::send);

    // fanout
    fanout = new FanoutHandlers(vertx, node);
    EmbeddedUpstreams stubs = new EmbeddedUpstreams(vertx, config.fanout());
    router.get("/fetch-data").handler(fanout::fetchData);
    router.get("/fetch").handler(fanout::fetch);
    router.get("/complex-task").handler(fanout::complexTask);
    router.get("/upstream/json").handler(stubs::validateShape).handler(stubs::json);
    router.get("/upstream/uuid").handler(stubs::validateShape).handler(stubs::uuid);
    router.get("/upstream/ip").handler(stubs::validateShape).handler(stubs::ip);

    // compute
    ComputeHandlers compute = new ComputeHandlers(vertx, node);
    Future<Void> computeStarts = compute.listen();
    router.get("/process").handler(compute::validateProcess).handler(compute::process);
    router.post("/jobs")
      .handler(BodyHandler.create(false).setBodyLimit(config.http().maxBodyBytes()))
      .handler(compute::validateJob)
      .handler(compute::submit);
    router.get("/jobs/:id").handler(compute::status);

    router.route().failureHandler(failures);
    router.errorHandler(404, failures);
    router.errorHandler(405, failures);
    router.errorHandler(400, failures::undecodable);
    router.errorHandler(500, failures);

    server = vertx.createHttpServer(serverOptions(config.http())).requestHandler(router);
    // A negative port makes every instance share one random port (port 0 would give each its own).
    int port = config.http().port() == 0 ? -1 : config.http().port();
    return computeStarts
      .compose(v -> server.listen(port, config.http().host()))
      .onSuccess(bound -> node.httpBound(bound.actualPort()));
  }

  /**
   * Readiness goes DOWN first; after {@code shutdown.drainDelayMs} (time for a load balancer to notice) the listener closes
   * and in-flight requests get {@code shutdown.graceMs} to finish. Those still running then are logged by id and cut.
   */
  @Override
  public Future<?> stop() {
    node.readiness().drain();
    LanesConfig.Shutdown shutdown = node.config().shutdown();
    Future<?> delay = shutdown.drainDelayMs() > 0
      ? vertx.timer(shutdown.drainDelayMs(), TimeUnit.MILLISECONDS)
      : Future.succeededFuture();
    return delay.compose(v -> {
      long graceTimer = vertx.setTimer(Math.max(1, shutdown.graceMs()), id -> inFlight.logUnfinished(shutdown.graceMs()));
      return server.shutdown(shutdown.graceMs(), TimeUnit.MILLISECONDS)
        .andThen(done -> vertx.cancelTimer(graceTimer));
    }).eventually(fanout::close);
  }

  private static HttpServerOptions serverOptions(LanesConfig.Http http) {
    return new HttpServerOptions()
      .setIdleTimeout(http.idleTimeoutSeconds())
      .setIdleTimeoutUnit(TimeUnit.SECONDS)
      .setMaxHeaderSize(http.maxHeaderBytes())
      .setMaxFormAttributeSize(http.maxBodyBytes())
      .setMaxFormBufferedBytes(http.maxBodyBytes())
      .setMaxInitialLineLength(http.maxUriBytes());
  }
}
