package io.lanes.app;

import io.lanes.compute.ComputeClient;
import io.lanes.config.LanesConfig;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lane;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.core.json.JsonObject;

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
  private final AtomicInteger httpPort = new AtomicInteger(-1);
  private ComputeClient compute;

  private Node(String id, LanesConfig config, BlockingLane blocking, HealthChecks health) {
    this.id = id;
    this.config = config;
    this.blocking = blocking;
    this.health = health;
  }

  public static Node create(Vertx vertx, LanesConfig config) {
    LanesConfig.Blocking blockingConfig = config.blocking();
    WorkerExecutor executor = vertx.createSharedWorkerExecutor(LanesConfig.Blocking.POOL_NAME,
      blockingConfig.poolSize(), blockingConfig.warnExecuteMs(), TimeUnit.MILLISECONDS);
    Lane blockingLane = new Lane("blocking", blockingConfig.capacity(), config.http().retryAfterSeconds());
    Node node = new Node(newId(), config, new BlockingLane(blockingLane, executor), HealthChecks.create(vertx));
    node.health.register("blocking-lane", promise -> promise.complete(laneStatus(blockingLane)));
    node.compute = ComputeClient.create(vertx, node.id, config, node.background);
    node.health.register("compute-lane", promise -> promise.complete(laneStatus(node.compute.lane())));
    return node;
  }

  private static Status laneStatus(Lane lane) {
    JsonObject data = new JsonObject()
      .put("inFlight", lane.inFlight())
      .put("capacity", lane.capacity());
    return lane.inFlight() < lane.capacity() ? Status.OK(data) : Status.KO(data.put("reason", "lane is full"));
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

  /** The sending side of the compute lane: admission, requests to the compute verticles, async job state. */
  public ComputeClient compute() {
    return compute;
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
