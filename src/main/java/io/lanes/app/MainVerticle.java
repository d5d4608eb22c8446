package io.lanes.app;

import io.lanes.cluster.AdvertisedAddressCheck;
import io.lanes.cluster.ClusterJobLock;
import io.lanes.cluster.ClusterVerticle;
import io.lanes.cluster.ClusterView;
import io.lanes.cluster.Clustering;
import io.lanes.cluster.StartReportRelayVerticle;
import io.lanes.compute.ComputeVerticle;
import io.lanes.config.ConfigLoader;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.files.FileLane;
import io.lanes.http.HttpVerticle;
import io.lanes.schedule.JobLock;
import io.lanes.schedule.LocalJobLock;
import io.lanes.schedule.SchedulerVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.VertxException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;

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
      .compose(config -> refuseUnreachableAddress().map(config))
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
    // clustering: this node's record and the live members' (roles, compute) before anything that reads them
    if (vertx.isClustered()) {
      deployed = deployed.compose(v -> vertx.deployVerticle(() -> new ClusterVerticle(node), new DeploymentOptions()))
        .mapEmpty();
    }
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
      .deployVerticle(() -> new SchedulerVerticle(node, jobLock()), SchedulerVerticle.deploymentOptions(config))
      .mapEmpty();
  }

  private Future<Void> deployCompute(LanesConfig config) {
    // clustering: the relay that sends the compute verticles' start reports from an event loop
    Future<?> relay = vertx.isClustered()
      ? vertx.deployVerticle(StartReportRelayVerticle::new, new DeploymentOptions())
      : Future.succeededFuture();
    return relay
      .compose(v -> vertx.deployVerticle(() -> new ComputeVerticle(node), ComputeVerticle.deploymentOptions(config.compute())))
      .mapEmpty();
  }

  private Future<Void> deployHttp(LanesConfig config) {
    return vertx
      .deployVerticle(() -> new HttpVerticle(node), new DeploymentOptions().setInstances(config.http().instances()))
      .mapEmpty();
  }

  /** Each periodic job once per period across the cluster, or every period when alone. */
  private JobLock jobLock() {
    return vertx.isClustered() ? new ClusterJobLock(vertx, node.id()) : new LocalJobLock();
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

  /** One line: the node, its roles, and the lanes it runs with their sizes (no port on a node without HTTP). */
  private static void banner(Node node) {
    LanesConfig config = node.config();
    List<String> parts = new ArrayList<>();
    parts.add("roles " + config.roles().stream().map(Role::id).sorted().toList());
    if (config.has(Role.HTTP)) {
      parts.add("http " + config.http().host() + ":" + node.httpPort() + " x" + config.http().instances());
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
    ClusterView cluster = node.cluster();
    parts.add(cluster.clustered()
      ? "clustered: " + cluster.members().size() + " member(s), " + cluster.computeNodes() + " with compute"
      : "standalone");
    LOG.info("Lanes node {} ready: {}", node.id(), String.join(", ", parts));
  }
}
