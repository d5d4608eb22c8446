package io.lanes.app;

import io.lanes.bus.Addresses;
import io.lanes.bus.Codecs;
import io.lanes.cluster.AdvertisedAddressCheck;
import io.lanes.cluster.ClusterJobLock;
import io.lanes.cluster.ClusterVerticle;
import io.lanes.cluster.ClusterView;
import io.lanes.cluster.Clustering;
import io.lanes.cluster.StartReportRelayVerticle;
import io.lanes.compute.ComputeJobs;
import io.lanes.compute.ComputeRoutes;
import io.lanes.compute.ComputeSender;
import io.lanes.compute.ComputeVerticle;
import io.lanes.compute.JobStore;
import io.lanes.config.ConfigLoader;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.core.CoreRoutes;
import io.lanes.dashboard.Dashboard;
import io.lanes.dashboard.DashboardRoutes;
import io.lanes.dashboard.DashboardVerticle;
import io.lanes.dashboard.NodeSnapshots;
import io.lanes.dashboard.RouteTraffic;
import io.lanes.dashboard.SnapshotAggregator;
import io.lanes.fanout.FanoutRoutes;
import io.lanes.files.AsyncFileWriter;
import io.lanes.files.ChunkedFileWriter;
import io.lanes.files.FileRoutes;
import io.lanes.files.FileWriterVerticle;
import io.lanes.files.LogAppender;
import io.lanes.files.WriteModes;
import io.lanes.docs.DocsRoutes;
import io.lanes.http.ApiContract;
import io.lanes.http.HttpVerticle;
import io.lanes.http.Placement;
import io.lanes.http.Routes;
import io.lanes.lane.AsyncLane;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.lifecycle.StartupException;
import io.lanes.ops.Observability;
import io.lanes.ops.OpsRoutes;
import io.lanes.registry.Registries;
import io.lanes.registry.Registry;
import io.lanes.schedule.JobLock;
import io.lanes.schedule.JobStats;
import io.lanes.schedule.LocalJobLock;
import io.lanes.schedule.PeriodicJobs;
import io.lanes.schedule.ScheduleBoard;
import io.lanes.schedule.ScheduleRoutes;
import io.lanes.schedule.SchedulerVerticle;
import io.lanes.tasks.TaskRoutes;
import io.lanes.tasks.TaskRunner;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.file.FileSystem;
import io.vertx.ext.healthchecks.HealthChecks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The launcher's {@code Main-Verticle} and the composition root: loads and validates the config, builds the node's
 * lanes and services from it ({@link #wire}), and deploys each role's verticles with only the parts they use, consumers
 * before the HTTP front so no request arrives before the code that serves it. What is known only once the front listens
 * (its port) reaches those that need it as a future completed here. Scale with per-lane instance counts, not with
 * {@code -instances}.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private Services services;
  private final Promise<Integer> httpPort = Promise.promise();
  private final Promise<Integer> opsPort = Promise.promise();
  private final List<HttpVerticle> fronts = new CopyOnWriteArrayList<>();

  @Override
  public Future<?> start() {
    return startNode().onFailure(failed -> LegacyLauncherExit.afterFailedStart(vertx));
  }

  private Future<Void> startNode() {
    if (context.getInstanceCount() > 1) {
      return Future.failedFuture(new VertxException(
        "Run one MainVerticle per JVM (got -instances " + context.getInstanceCount() + "); scale each lane instead: "
          + "-conf '{\"http\":{\"instances\":N},\"compute\":{\"instances\":N},\"files\":{\"writerInstances\":N}}'", true));
    }
    return ConfigLoader.fromProcess(vertx)
      .load(config())
      .compose(config -> refuseUnreachableAddress().map(config))
      // Building a meter registry with the JVM's meters takes half a second on a cold JVM: not on this event loop.
      .compose(config -> vertx.executeBlocking(() -> Observability.create(vertx, config), false)
        .compose(ops -> deploy(wire(config, ops))))
      .onSuccess(v -> {
        services.readiness().markReady();
        banner();
      });
  }

  /**
   * Runs after every child verticle has stopped (the HTTP front has drained its requests): waits for accepted background
   * work within what is left of {@code shutdown.graceMs}, before the node's worker pools close.
   */
  @Override
  public Future<?> stop() {
    if (services == null) {
      return Future.succeededFuture();
    }
    services.readiness().drain();
    long deadline = services.readiness().drainingSince() + services.config().shutdown().graceMs();
    return services.background().drain(vertx, deadline);
  }

  /** What {@link #start()} built (tests read the lanes and the port through it); null before. */
  public Services services() {
    return services;
  }

  /** Every route the HTTP front serves ({@link HttpVerticle#routeTable()}); empty on a node without it. */
  public List<String> routeTable() {
    return fronts.isEmpty() ? List.of() : fronts.get(0).routeTable();
  }

  /** The port the HTTP front listens on, once it does (the real one when 0 was configured). */
  public Future<Integer> httpPort() {
    return httpPort.future();
  }

  /** The port of the ops listener, once it listens; never completes on a node without {@code ops.port}. */
  public Future<Integer> opsPort() {
    return opsPort.future();
  }

  /** Builds every lane and service of the node; the pools belong to this verticle's context and close with it. */
  private Services wire(LanesConfig config, Observability ops) {
    Codecs.registerOn(vertx.eventBus());
    String id = newId();
    Readiness readiness = new Readiness();
    BackgroundWork background = new BackgroundWork();
    HealthChecks health = HealthChecks.create(vertx);
    ClusterView cluster = new ClusterView(id, config, vertx.isClustered());
    Lanes lanes = Lanes.from(config, cluster::computeInstances, ops::recordWait);

    LanesConfig.Blocking blockingConfig = config.blocking();
    BlockingLane blocking = new BlockingLane(lanes.blocking(), vertx.createSharedWorkerExecutor(
      LanesConfig.Blocking.POOL_NAME, blockingConfig.poolSize(), blockingConfig.warnExecuteMs(), TimeUnit.MILLISECONDS));

    LanesConfig.Files files = config.files();
    ChunkedFileWriter fileWriter = ChunkedFileWriter.from(files);
    BlockingLane blockingWrites = new BlockingLane(lanes.files(), vertx.createSharedWorkerExecutor(
      WriteModes.BLOCKING_POOL_NAME, files.writerInstances(), files.writeTimeoutMs(), TimeUnit.MILLISECONDS));
    WriteModes writes = new WriteModes(vertx.eventBus(), lanes.files(), blockingWrites,
      new AsyncLane(vertx, lanes.files(), files.asyncWrites()), fileWriter, AsyncFileWriter.from(vertx, files),
      files.writeTimeoutMs());

    LanesConfig.Tasks taskConfig = config.tasks();
    TaskRunner tasks = new TaskRunner(id, lanes.tasks(),
      vertx.createSharedWorkerExecutor(TaskRunner.POOL_NAME, taskConfig.maxRunning(), TaskRunner.warnAfterMs(config),
        TimeUnit.MILLISECONDS),
      registry(TaskRunner.REGISTRY_MAP, taskConfig.retentionCount(), taskConfig.retentionMs(),
        TaskRunner.activeTtlMs(taskConfig), TaskRunner.terminalStates()),
      readiness, background);

    LanesConfig.Compute computeConfig = config.compute();
    ComputeSender compute = new ComputeSender(vertx.eventBus(), lanes.compute(), computeConfig.timeoutMs());
    JobStore jobs = new JobStore(vertx, compute,
      registry(JobStore.REGISTRY_MAP, computeConfig.retentionCount(), computeConfig.retentionMs(),
        JobStore.activeTtlMs(computeConfig), JobStore.terminalStates()),
      background, id, cluster::isLive, vertx.isClustered() ? Clustering.failureDetectionMs(vertx) : 0);
    // clustering: the work of a node that leaves (killed, cut off) is ended by the survivors
    cluster.onNodeLeft(tasks::nodeLeft);
    cluster.onNodeLeft(jobs::nodeLeft);

    ScheduleBoard schedules = new ScheduleBoard(stats -> ops.bindScheduleRuns(stats.name(), stats, JobStats::runs));
    ops.bindLanes(lanes);
    ops.bindTasks(tasks::queued, tasks::running);
    ops.bindJobs(() -> jobs.activeJobs(JobStore.QUEUED), () -> jobs.activeJobs(JobStore.RUNNING));
    ops.bindBackground(background);
    ops.registerHealth(vertx, health, files.dataDir());

    LogAppender log = LogAppender.create(vertx, files);

    // the dashboard: what it reads of this node, and the view of every node's snapshots it streams
    LanesConfig.Dashboard dashboardConfig = config.dashboard();
    RouteTraffic traffic = new RouteTraffic();
    Dashboard dashboard = new Dashboard(traffic,
      new NodeSnapshots(id, config, readiness, lanes, ops, log, background, traffic, tasks, jobs, compute, schedules),
      new SnapshotAggregator(id, vertx.isClustered(), cluster::isLive, cluster::members, dashboardConfig.intervalMs(),
        dashboardConfig.staleAfterMs(), dashboardConfig.maxClients()));

    services = new Services(id, config, readiness, background, lanes, blocking, ops, health, fileWriter, writes, log,
      tasks, ComputeJobs.standard(), compute, jobs, schedules, cluster, dashboard);
    return services;
  }

  /**
   * Each role's verticles, in order: probes, cluster view, data dir and writers, compute, scheduler, the dashboard's
   * publisher, the HTTP front.
   */
  private Future<Void> deploy(Services s) {
    LanesConfig config = s.config();
    Future<?> deployed = s.ops().deployLagProbes(vertx);
    if (vertx.isClustered()) {
      // clustering: this node's record and the live members' (roles, compute) before anything that reads them
      deployed = deployed.compose(v -> vertx.deployVerticle(() -> new ClusterVerticle(s.id(), s.cluster(), s.health(),
        config.ops().healthTimeoutMs(), httpPort.future()), new DeploymentOptions()));
    }
    deployed = deployed.compose(v -> usableDataDir(config.files().dataDir()));
    if (config.has(Role.FILES)) {
      deployed = deployed.compose(v -> vertx.deployVerticle(
        () -> new FileWriterVerticle(s.fileWriter(), config.files().maxBytes()),
        FileWriterVerticle.deploymentOptions(config.files())));
    }
    if (config.has(Role.COMPUTE) && config.compute().instances() > 0) {
      deployed = deployed.compose(v -> deployCompute(s));
    }
    if (config.has(Role.SCHEDULER)) {
      deployed = deployed.compose(v -> vertx.deployVerticle(() -> new SchedulerVerticle(s.id(), config.schedules(),
        config.shutdown().graceMs(), s.readiness(), s.schedules(),
        PeriodicJobs.standard(s.id(), s.lanes(), s.background(), Path.of(config.files().dataDir()),
          config.files().staleTempMs()),
        jobLock(s.id())), SchedulerVerticle.deploymentOptions(config)));
    }
    if (config.dashboard().enabled()) {
      // every node publishes its snapshot; a node with the page also gathers everyone's
      deployed = deployed.compose(v -> vertx.deployVerticle(() -> new DashboardVerticle(s.dashboard().snapshots(),
        config.has(Role.HTTP) ? s.dashboard().board() : null, config.dashboard().intervalMs()), new DeploymentOptions()));
    }
    if (config.ops().separate()) {
      deployed = deployed.compose(v -> deployOps(s));
    }
    if (config.has(Role.HTTP)) {
      deployed = deployed.compose(v -> deployHttp(s));
    }
    return deployed.mapEmpty();
  }

  /**
   * The data directory exists (created if missing) and a file can be created and deleted in it; else start-up fails with
   * one line naming the directory and the setting.
   */
  private Future<Void> usableDataDir(String dataDir) {
    FileSystem fs = vertx.fileSystem();
    return fs.mkdirs(dataDir)
      .compose(made -> fs.createTempFile(dataDir, ".lanes-start-", ".tmp", (String) null))
      .compose(fs::delete)
      .recover(failure -> Future.failedFuture(new StartupException("Cannot use the data directory "
        + Path.of(dataDir).toAbsolutePath() + ": " + FileProblems.describe(failure) + ". Set another with "
        + ConfigLoader.settingOf("files.dataDir") + ".")));
  }

  /** The operational endpoints on a listener of their own ({@code ops.host:ops.port}), on every node that sets it. */
  private Future<?> deployOps(Services s) {
    LanesConfig config = s.config();
    LanesConfig.Http api = config.http();
    LanesConfig.Ops ops = config.ops();
    LanesConfig.Http listener = new LanesConfig.Http(ops.host(), ops.port(), 1, api.maxBodyBytes(),
      api.idleTimeoutSeconds(), api.maxHeaderBytes(), api.maxUriBytes(), api.retryAfterSeconds());
    HttpVerticle[] verticle = new HttpVerticle[1];
    return vertx.deployVerticle(() -> {
      // plain routes, outside the API contract
      verticle[0] = new HttpVerticle("ops", listener, config.shutdown(), s.readiness(), null, instance -> {
        List<Routes> features = new ArrayList<>(List.of(
          new OpsRoutes(Placement.OPS_LISTENER, s.id(), s.readiness(), s.health(), s.ops().scrapeHandler(),
            s.cluster()::hasComputeConsumer, api.retryAfterSeconds()),
          new ScheduleRoutes(Placement.OPS_LISTENER, s.id(), s.schedules())));
        if (config.dashboard().enabled() && config.has(Role.HTTP)) {
          // the dashboard goes wherever /metrics goes
          features.add(new DashboardRoutes(s.dashboard().board(), config.dashboard().intervalMs()));
        }
        return features;
      });
      return verticle[0];
    }, new DeploymentOptions()).onSuccess(id -> opsPort.complete(verticle[0].actualPort()));
  }

  private Future<?> deployCompute(Services s) {
    LanesConfig.Compute compute = s.config().compute();
    // clustering: the relay that sends the compute verticles' start reports from an event loop
    Future<?> relay = vertx.isClustered()
      ? vertx.deployVerticle(StartReportRelayVerticle::new, new DeploymentOptions())
      : Future.succeededFuture();
    return relay.compose(v -> vertx.deployVerticle(() -> new ComputeVerticle(s.id(), compute, s.jobTypes()),
      ComputeVerticle.deploymentOptions(compute)));
  }

  /**
   * The start reports of this node's async jobs, the API contract with this node's limits, then the HTTP verticles;
   * their port is passed on once they listen.
   */
  private Future<?> deployHttp(Services s) {
    LanesConfig config = s.config();
    return vertx.eventBus()
      .consumer(Addresses.computeStarted(s.id()), s.jobs()::started)
      .completion()
      .compose(v -> ApiContract.load(vertx, contractLimits(config)))
      .compose(contract -> vertx.deployVerticle(() -> {
        HttpVerticle front = new HttpVerticle(config.http(), config.shutdown(), s.readiness(), contract,
          instance -> routes(instance, s, contract));
        fronts.add(front);
        return front;
      }, new DeploymentOptions().setInstances(config.http().instances())))
      .onSuccess(id -> httpPort.complete(fronts.get(0).actualPort()));
  }

  /** The features of one HTTP verticle instance, each with only what it uses; built on that instance's context. */
  private List<Routes> routes(Vertx instance, Services s, ApiContract contract) {
    LanesConfig config = s.config();
    Placement ops = config.ops().separate() ? Placement.API_WITH_OPS_LISTENER : Placement.API;
    boolean dashboard = config.dashboard().enabled();
    List<Routes> features = new ArrayList<>();
    if (dashboard) {
      // its root handler times every request the API answers
      features.add(s.dashboard().traffic().recorder());
    }
    features.add(new OpsRoutes(ops, s.id(), s.readiness(), s.health(), s.ops().scrapeHandler(),
      s.cluster()::hasComputeConsumer, config.http().retryAfterSeconds()));
    features.add(new ScheduleRoutes(ops, s.id(), s.schedules()));
    if (dashboard && ops == Placement.API) {
      // the dashboard goes wherever /metrics goes
      features.add(new DashboardRoutes(s.dashboard().board(), config.dashboard().intervalMs()));
    }
    features.addAll(List.of(
      new CoreRoutes(instance, s.blocking(), config.blocking().defaultSleepSeconds(),
        config.blocking().maxSleepSeconds()),
      new TaskRoutes(s.tasks(), config.tasks()),
      new FileRoutes(s.writes(), s.log(), s.background(), new FileRoutes.Limits(config.files().defaultBytes(),
        config.files().maxBytes(), config.demo().allowEventLoopBlocking())),
      new FanoutRoutes(instance, config.fanout(), config.http().host(), httpPort.future(), s.compute(),
        (upstream, outcome, elapsedNanos) -> s.ops().recordUpstreamCall(upstream, outcome.label(), elapsedNanos)),
      new ComputeRoutes(s.compute(), s.jobs(), s.jobTypes(), config.compute()),
      new DocsRoutes(contract)));
    return features;
  }

  /** The configured limits and defaults the contract documents (and validates, for maxima), by config key. */
  private static Map<String, Number> contractLimits(LanesConfig config) {
    return Map.ofEntries(
      Map.entry("blocking.defaultSleepSeconds", config.blocking().defaultSleepSeconds()),
      Map.entry("tasks.defaultSeconds", config.tasks().defaultSeconds()),
      Map.entry("files.defaultBytes", config.files().defaultBytes()),
      Map.entry("blocking.maxSleepSeconds", config.blocking().maxSleepSeconds()),
      Map.entry("tasks.maxSeconds", config.tasks().maxSeconds()),
      Map.entry("files.maxBytes", config.files().maxBytes()),
      Map.entry("compute.maxIterations", config.compute().maxIterations()),
      Map.entry("compute.maxLimit", config.compute().maxLimit()),
      Map.entry("compute.maxRounds", config.compute().maxRounds()),
      Map.entry("fanout.maxDelayMs", config.fanout().maxDelayMs()),
      Map.entry("fanout.stubMaxBytes", config.fanout().stubMaxBytes()));
  }

  /** Task or job states: in this JVM, or cluster-wide (a Hazelcast map) when clustered. */
  private Registry registry(String mapName, int retentionCount, long retentionMs, long activeTtlMs,
                            Set<String> terminal) {
    return vertx.isClustered()
      ? Registries.cluster(vertx, Clustering.hazelcast(vertx), mapName, retentionMs, activeTtlMs, terminal)
      : Registries.local(retentionCount, retentionMs, terminal);
  }

  /** Each periodic job once per period across the cluster, or every period when alone. */
  private JobLock jobLock(String nodeId) {
    return vertx.isClustered() ? new ClusterJobLock(vertx, nodeId) : new LocalJobLock();
  }

  /**
   * A clustered node that would advertise a loopback event-bus address to members on other hosts fails here, before it
   * deploys anything (so no consumer of it is ever advertised), with one line saying what to do.
   */
  private Future<Void> refuseUnreachableAddress() {
    if (!vertx.isClustered()) {
      return Future.succeededFuture();
    }
    List<String> members = Clustering.configuredMembers(vertx);
    if (members == null) {
      return Future.succeededFuture();
    }
    return AdvertisedAddressCheck.refusal(members, Clustering.advertisedHost(vertx))
      .<Future<Void>>map(refusal -> {
        LOG.error(refusal);
        return Future.failedFuture(new VertxException(refusal, true));
      })
      .orElse(Future.succeededFuture());
  }

  private static String newId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "node");
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** One line: the node, its roles, and the lanes it runs with their sizes (no port on a node without HTTP). */
  private void banner() {
    LanesConfig config = services.config();
    List<String> parts = new ArrayList<>();
    parts.add("roles " + config.roles().stream().map(Role::id).sorted().toList());
    if (config.has(Role.HTTP)) {
      parts.add("http " + config.http().host() + ":" + httpPort.future().result() + " x" + config.http().instances()
        + " (API docs http://" + config.http().host() + ":" + httpPort.future().result() + "/docs)");
    }
    if (config.ops().separate()) {
      parts.add("ops " + config.ops().host() + ":" + opsPort.future().result());
    }
    if (config.has(Role.COMPUTE) && config.compute().instances() > 0) {
      parts.add("compute x" + config.compute().instances() + " on pool " + LanesConfig.Compute.POOL_NAME + " ("
        + config.compute().poolSize() + " threads)");
    } else if (config.has(Role.HTTP)) {
      parts.add("no compute of its own (jobs go to the cluster)");
    }
    if (config.has(Role.FILES)) {
      parts.add("file writers x" + config.files().writerInstances());
    }
    if (config.has(Role.SCHEDULER)) {
      parts.add("scheduler");
    }
    parts.add("blocking pool " + config.blocking().poolSize() + " (+" + config.blocking().queueLimit() + " queued)");
    ClusterView cluster = services.cluster();
    parts.add(cluster.clustered()
      ? "clustered: " + cluster.members().size() + " member(s), " + cluster.computeNodes() + " with compute"
      : "standalone");
    LOG.info("Lanes node {} ready: {}", services.id(), String.join(", ", parts));
  }
}
