package io.lanes.app;

import io.lanes.compute.ComputeVerticle;
import io.lanes.config.ConfigLoader;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.files.FileLane;
import io.lanes.http.HttpVerticle;
import io.lanes.schedule.SchedulerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The launcher's {@code Main-Verticle}: loads and validates the config, builds the node's shared {@link Node}, and deploys
 * each lane's verticles by role, consumers before the HTTP front so no request arrives before the code that serves it.
 * Scale with per-lane instance counts, not with {@code -instances}.
 */
public final class MainVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MainVerticle.class);

  private Node node;

  @Override
  public Future<?> start() {
    if (context.getInstanceCount() > 1) {
      return Future.failedFuture(new VertxException(
        "Run one MainVerticle per JVM (got -instances " + context.getInstanceCount() + "); scale each lane instead: "
          + "-conf '{\"http\":{\"instances\":N},\"compute\":{\"instances\":N},\"files\":{\"writerInstances\":N}}'", true));
    }
    return ConfigLoader.fromProcess(vertx)
      .load(config())
      .compose(this::deployLanes)
      .onSuccess(v -> {
        node.readiness().markReady();
        banner(node);
      });
  }

  /**
   * Runs after every child verticle has stopped (the HTTP front has drained its requests): waits for accepted background
   * work within what is left of {@code shutdown.graceMs}, before the node's worker pools close.
   */
  @Override
  public Future<?> stop() {
    if (node == null) {
      return Future.succeededFuture();
    }
    node.readiness().drain();
    long deadline = node.readiness().drainingSince() + node.config().shutdown().graceMs();
    return node.background().drain(vertx, deadline);
  }

  /** The node, once {@link #start()} has built it (tests use it to find the bound port). */
  public Node node() {
    return node;
  }

  private Future<Void> deployLanes(LanesConfig config) {
    node = Node.create(vertx, config);
    Future<Void> deployed = node.ops().deployLagProbes(vertx).mapEmpty();
    // files: the data directory, and the FileWriterVerticles on a node with the files role
    deployed = deployed.compose(v -> FileLane.deploy(vertx, node));
    if (config.has(Role.COMPUTE) && config.compute().instances() > 0) {
      deployed = deployed.compose(v -> deployCompute(config));
    }
    if (config.has(Role.SCHEDULER)) {
      deployed = deployed.compose(v -> deployScheduler(config));
    }
    if (config.has(Role.HTTP)) {
      deployed = deployed.compose(v -> deployHttp(config));
    }
    return deployed;
  }

  private Future<Void> deployScheduler(LanesConfig config) {
    return vertx
      .deployVerticle(() -> new SchedulerVerticle(node), SchedulerVerticle.deploymentOptions(config))
      .mapEmpty();
  }

  private Future<Void> deployCompute(LanesConfig config) {
    return vertx
      .deployVerticle(() -> new ComputeVerticle(node), ComputeVerticle.deploymentOptions(config.compute()))
      .mapEmpty();
  }

  private Future<Void> deployHttp(LanesConfig config) {
    return vertx
      .deployVerticle(() -> new HttpVerticle(node), new DeploymentOptions().setInstances(config.http().instances()))
      .mapEmpty();
  }

  private static void banner(Node node) {
    LanesConfig config = node.config();
    LOG.info("Lanes node {} ready: roles {}, http {}:{} x{}, blocking pool {} (+{} queued)",
      node.id(), config.roles().stream().map(Role::id).sorted().toList(), config.http().host(), node.httpPort(), config.http().instances(),
      config.blocking().poolSize(), config.blocking().queueLimit());
  }
}
