package io.lanes.app;

import io.lanes.cluster.ClusterView;
import io.lanes.compute.ComputeClient;
import io.lanes.config.LanesConfig;
import io.lanes.files.FileLane;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lane;
import io.lanes.schedule.ScheduleBoard;
import io.lanes.tasks.TaskRunner;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.lanes.ops.Observability;
import io.vertx.ext.healthchecks.HealthChecks;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the verticles of one node share: its id, readiness, lane admission and worker pools, and health checks. Created by
 * {@link MainVerticle} (or a test) and handed to verticles through their constructors; the pools it creates belong to the
 * context that created it and close with it.
 */
public final class Node {

  private final String id;
  private final LanesConfig config;
  private final Readiness readiness = new Readiness();
  private final BackgroundWork background = new BackgroundWork();
  private final BlockingLane blocking;
  private final HealthChecks health;
  private final Observability ops;
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private final ScheduleBoard schedules = new ScheduleBoard();
  /** Set once by {@link #create}, before the node is handed to any verticle. */
  private TaskRunner tasks;
  /** Set once by {@link #create}. */
  private FileLane files;
  private ComputeClient compute;
  private ClusterView cluster;

  private Node(String id, LanesConfig config, BlockingLane blocking, HealthChecks health, Observability ops) {
    this.id = id;
    this.config = config;
    this.blocking = blocking;
    this.health = health;
    this.ops = ops;
  }

  public static Node create(Vertx vertx, LanesConfig config) {
    LanesConfig.Blocking blockingConfig = config.blocking();
    WorkerExecutor executor = vertx.createSharedWorkerExecutor(LanesConfig.Blocking.POOL_NAME,
      blockingConfig.poolSize(), blockingConfig.warnExecuteMs(), TimeUnit.MILLISECONDS);
    Lane blockingLane = new Lane("blocking", blockingConfig.capacity(), config.http().retryAfterSeconds());
    Observability ops = Observability.create(vertx, config);
    Node node = new Node(newId(), config, new BlockingLane(blockingLane, executor), HealthChecks.create(vertx), ops);
    // clustering: registries cluster-wide when clustered, and the view of live members
    node.cluster = new ClusterView(node.id, config, vertx.isClustered());
    node.tasks = TaskRunner.create(vertx, config, node.readiness, node.background, TaskRunner.registryFor(vertx, config));
    node.files = FileLane.create(vertx, config);
    node.compute = ComputeClient.create(vertx, node.id, config, node.background, ComputeClient.registryFor(vertx, config),
      node.cluster::isLive);
    ops.bindLane(blockingLane);
    ops.bindLane(node.tasks.lane());
    ops.bindLane(node.files.writes());
    ops.bindLane(node.compute.lane());
    ops.bindTasks(node.tasks::queued, node.tasks::running);
    ops.bindJobs(() -> node.compute.activeJobs(ComputeClient.QUEUED), () -> node.compute.activeJobs(ComputeClient.RUNNING));
    ops.bindBackground(node.background);
    ops.registerHealth(vertx, node.health, config.files().dataDir());
    return node;
  }

  private static String newId() {
    String host = System.getenv().getOrDefault("HOSTNAME", "node");
    return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  public String id() {
    return id;
  }

  public LanesConfig config() {
    return config;
  }

  public Readiness readiness() {
    return readiness;
  }

  /** Accepted work answered before it ran; drained at shutdown. */
  public BackgroundWork background() {
    return background;
  }

  public BlockingLane blocking() {
    return blocking;
  }

  /** Meters, lag probes and the health procedures that read them. */
  public Observability ops() {
    return ops;
  }

  /** Background tasks ({@code /task}, {@code /resource}): the {@code tasks} lane, pool {@code lanes-tasks}, their states. */
  public TaskRunner tasks() {
    return tasks;
  }

  /** The periodic jobs the node's SchedulerVerticle runs, and their stats. */
  public ScheduleBoard schedules() {
    return schedules;
  }

  /** The file lane: data directory, {@code files} admission, writer and log appender. */
  public FileLane files() {
    return files;
  }

  /** The sending side of the compute lane: admission, requests to the compute verticles, async job state. */
  public ComputeClient compute() {
    return compute;
  }

  /** The nodes this one works with: itself alone, or the live cluster members and their roles. */
  public ClusterView cluster() {
    return cluster;
  }

  public HealthChecks health() {
    return health;
  }

  /** The port the HTTP verticles bound (the real one when 0 was configured); -1 before they are up. */
  public int httpPort() {
    return httpPort.get();
  }

  public void httpBound(int port) {
    httpPort.set(port);
  }
}
