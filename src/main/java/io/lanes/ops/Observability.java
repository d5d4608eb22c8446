package io.lanes.ops;

import io.lanes.lifecycle.BackgroundWork;
import io.lanes.config.LanesConfig;
import io.lanes.lane.Lane;
import io.lanes.lane.Lanes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.file.FileSystem;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.ToDoubleFunction;

/**
 * A node's meters and health procedures: the Prometheus registry behind {@code /metrics} (Vert.x's own when metrics are
 * enabled through the launcher's {@code -options}, else a registry of ours with JVM meters), the {@code lanes_*} meters,
 * the event-loop lag probes and the blocked-thread counter, and the health checks that read them.
 */
public final class Observability {

  private final PrometheusMeterRegistry registry;
  private final LanesConfig.Ops config;
  private final Map<String, LagProbeVerticle.LoopLag> loops = new ConcurrentHashMap<>();
  private final List<Lane> lanes = new CopyOnWriteArrayList<>();
  private final BlockedThreadEvents blocked = BlockedThreadEvents.install();
  private final Map<String, Timer> waitTimers = new ConcurrentHashMap<>();

  private Observability(PrometheusMeterRegistry registry, LanesConfig.Ops config) {
    this.registry = registry;
    this.config = config;
    FunctionCounter.builder("lanes.blocked.thread.events", blocked, BlockedThreadEvents::count)
      .description("Blocked event-loop or worker threads reported by Vert.x's checker")
      .register(registry);
  }

  public static Observability create(Vertx vertx, LanesConfig config) {
    return new Observability(registryFor(vertx), config.ops());
  }

  private static PrometheusMeterRegistry registryFor(Vertx vertx) {
    MeterRegistry shared = vertx.isMetricsEnabled() ? BackendRegistries.getDefaultNow() : null;
    if (shared instanceof PrometheusMeterRegistry prometheus) {
      return prometheus;
    }
    PrometheusMeterRegistry own = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(own);
    new JvmThreadMetrics().bindTo(own);
    new ClassLoaderMetrics().bindTo(own);
    new ProcessorMetrics().bindTo(own);
    return own;
  }

  public MeterRegistry registry() {
    return registry;
  }

  public Handler<RoutingContext> scrapeHandler() {
    return PrometheusScrapingHandler.create(registry);
  }

  /** Meters for every lane ({@code lanes_lane_in_flight/admitted_total/rejected_total{lane}}) and their saturation check. */
  public void bindLanes(Lanes all) {
    all.all().forEach(this::bindLane);
  }

  private void bindLane(Lane lane) {
    lanes.add(lane);
    Gauge.builder("lanes.lane.in.flight", lane, Lane::inFlight)
      .description("Work running or waiting in a lane").tag("lane", lane.name()).register(registry);
    FunctionCounter.builder("lanes.lane.admitted", lane, Lane::admitted)
      .description("Work a lane admitted").tag("lane", lane.name()).register(registry);
    FunctionCounter.builder("lanes.lane.rejected", lane, Lane::rejected)
      .description("Work a lane refused (503): its expected wait was over the budget, or it waited past it")
      .tag("lane", lane.name()).register(registry);
    Gauge.builder("lanes.lane.expected.wait", lane, Observability::expectedWaitSeconds)
      .description("How long work admitted now would wait to start (NaN until the lane has measured its drain rate)")
      .baseUnit("seconds").tag("lane", lane.name()).register(registry);
  }

  private static double expectedWaitSeconds(Lane lane) {
    long ms = lane.expectedWaitMs();
    return ms < 0 ? Double.NaN : ms / 1000.0;
  }

  /**
   * {@code lanes_lane_wait_seconds{lane}}: how long one item of {@code lane} waited to start (a {@link Lane.WaitRecorder}).
   * The timer of each lane is looked up once and kept.
   */
  public void recordWait(String lane, long waitedNanos) {
    waitTimers.computeIfAbsent(lane, name -> Timer.builder("lanes.lane.wait")
        .description("How long work waited in a lane before it started")
        .tag("lane", name)
        .serviceLevelObjectives(Duration.ofMillis(1), Duration.ofMillis(10), Duration.ofMillis(100),
          Duration.ofSeconds(1), Duration.ofSeconds(10))
        .register(registry))
      .record(waitedNanos, TimeUnit.NANOSECONDS);
  }

  public void bindBackground(BackgroundWork background) {
    Gauge.builder("lanes.background.pending", background, BackgroundWork::pending)
      .description("Accepted work answered before it ran (log appends, tasks) and not yet done").register(registry);
  }

  /** {@code lanes_tasks{state}} for the states a node holds now (queued, running). */
  public void bindTasks(IntSupplier queued, IntSupplier running) {
    // Suppliers are usually lambdas nobody else holds: keep them, or Micrometer's weak reference reports NaN.
    Gauge.builder("lanes.tasks", queued, IntSupplier::getAsInt).strongReference(true)
      .description("Background tasks by state").tag("state", "queued").register(registry);
    Gauge.builder("lanes.tasks", running, IntSupplier::getAsInt).strongReference(true)
      .description("Background tasks by state").tag("state", "running").register(registry);
  }

  /** {@code lanes_jobs{state}} for the async compute jobs a node holds now (queued, running). */
  public void bindJobs(IntSupplier queued, IntSupplier running) {
    Gauge.builder("lanes.jobs", queued, IntSupplier::getAsInt).strongReference(true)
      .description("Async compute jobs by state").tag("state", "queued").register(registry);
    Gauge.builder("lanes.jobs", running, IntSupplier::getAsInt).strongReference(true)
      .description("Async compute jobs by state").tag("state", "running").register(registry);
  }

  /** {@code lanes_schedule_runs_total{job}}: runs of one periodic job on this node. */
  public <T> void bindScheduleRuns(String job, T stats, ToDoubleFunction<T> runs) {
    FunctionCounter.builder("lanes.schedule.runs", stats, runs)
      .description("Runs of a periodic job on this node").tag("job", job).register(registry);
  }

  /** {@code lanes_fanout_upstream_seconds{upstream,outcome}}: one finished upstream call of the fan-out. */
  public void recordUpstreamCall(String upstream, String outcome, long elapsedNanos) {
    Timer.builder("lanes.fanout.upstream")
      .description("Upstream calls of /fetch-data, /fetch and /complex-task, by outcome")
      .tags("upstream", upstream, "outcome", outcome)
      .register(registry)
      .record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  public long blockedThreadEvents() {
    return blocked.count();
  }

  /** Deploys one lag probe per event loop; completes when they all run. */
  public Future<String> deployLagProbes(Vertx vertx) {
    return vertx.deployVerticle(() -> new LagProbeVerticle(registry, config.lagProbeIntervalMs(), loops),
      new DeploymentOptions().setInstances(config.eventLoops()));
  }

  /**
   * Each probed loop, by name: the worst lag of its last second or two and the blocked-thread warnings about it (counted
   * per JVM: two nodes in one JVM share their loops' names).
   */
  public List<LoopReading> loopReadings() {
    return loops.entrySet().stream()
      .map(loop -> new LoopReading(loop.getKey(), loop.getValue().lastSecondMaxNanos(), blocked.count(loop.getKey())))
      .sorted(Comparator.comparing(LoopReading::loop))
      .toList();
  }

  /** The worst recent event-loop lag across probed loops, in milliseconds. */
  public long worstLagMillis() {
    long worst = 0;
    for (LagProbeVerticle.LoopLag lag : loops.values()) {
      worst = Math.max(worst, lag.recentMaxNanos());
    }
    return TimeUnit.NANOSECONDS.toMillis(worst);
  }

  /** Registers the node's health procedures, each bounded by {@code ops.healthTimeoutMs}. */
  public void registerHealth(Vertx vertx, HealthChecks health, String dataDir) {
    long timeout = config.healthTimeoutMs();
    health.register("event-loop-lag", timeout, this::checkLag);
    health.register("lanes", timeout, this::checkLanes);
    health.register("data-dir", timeout, promise -> checkDataDir(vertx.fileSystem(), dataDir, promise));
  }

  private void checkLag(Promise<Status> promise) {
    long worst = worstLagMillis();
    JsonObject data = new JsonObject().put("worstLagMs", worst).put("thresholdMs", config.lagThresholdMs())
      .put("loops", loops.size());
    promise.complete(worst <= config.lagThresholdMs() ? Status.OK(data) : Status.KO(data));
  }

  private void checkLanes(Promise<Status> promise) {
    JsonObject data = new JsonObject();
    boolean up = true;
    for (Lane lane : lanes) {
      // Saturated: refusing work (its expected wait over the budget) without a break for ops.laneSaturatedMs.
      long refusingMs = TimeUnit.NANOSECONDS.toMillis(lane.overBudgetForNanos());
      boolean saturated = lane.overBudgetForNanos() > 0 && refusingMs >= config.laneSaturatedMs();
      up &= !saturated;
      data.put(lane.name(), new JsonObject()
        .put("inFlight", lane.inFlight())
        .put("expectedWaitMs", lane.expectedWaitMs())
        .put("maxWaitMs", lane.maxWaitMs())
        .put("refusingForMs", refusingMs)
        .put("saturated", saturated));
    }
    promise.complete(up ? Status.OK(data) : Status.KO(data));
  }

  /** Writable means a scratch file can be created and deleted there (asynchronously: never on the loop's time). */
  private static void checkDataDir(FileSystem fs, String dataDir, Promise<Status> promise) {
    JsonObject data = new JsonObject().put("path", dataDir);
    fs.createTempFile(dataDir, ".lanes-health-", ".tmp", (String) null)
      .compose(fs::delete)
      .onSuccess(v -> promise.complete(Status.OK(data)))
      .onFailure(cause -> promise.complete(Status.KO(data.put("error", String.valueOf(cause.getMessage())))));
  }
}
