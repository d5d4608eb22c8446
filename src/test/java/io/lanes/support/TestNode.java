package io.lanes.support;

import io.lanes.app.MainVerticle;
import io.lanes.app.Services;
import io.lanes.cluster.ClusterView;
import io.lanes.compute.JobStore;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.files.LogAppender;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.ops.Observability;
import io.lanes.schedule.ScheduleBoard;
import io.lanes.tasks.TaskRunner;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * A whole Lanes node in a test: the real {@link MainVerticle} (the composition root) deployed with a test config, and
 * what its wiring built, for assertions on lanes, background work and readiness. Read it once {@link #deploy()} is done.
 */
public final class TestNode {

  private final Vertx vertx;
  private final JsonObject config;
  private final MainVerticle main = new MainVerticle();
  private String deploymentId;

  TestNode(Vertx vertx, JsonObject config) {
    this.vertx = vertx;
    this.config = config;
  }

  /** Deploys the node; completes when its HTTP front listens (or, without the http role, once it is deployed). */
  public Future<String> deploy() {
    return vertx.deployVerticle(main, new DeploymentOptions().setConfig(config))
      .compose(id -> {
        deploymentId = id;
        return services().config().has(Role.HTTP) ? main.httpPort().map(id) : Future.succeededFuture(id);
      });
  }

  /** Undeploys the node: the graceful shutdown of its HTTP front, then the drain of its background work. */
  public Future<Void> undeploy() {
    return vertx.undeploy(deploymentId);
  }

  public String deploymentId() {
    return deploymentId;
  }

  public MainVerticle main() {
    return main;
  }

  public Services services() {
    Services services = main.services();
    if (services == null) {
      throw new IllegalStateException("the node is not deployed yet");
    }
    return services;
  }

  public int httpPort() {
    return main.httpPort().result();
  }

  public String id() {
    return services().id();
  }

  public LanesConfig config() {
    return services().config();
  }

  public Readiness readiness() {
    return services().readiness();
  }

  public BackgroundWork background() {
    return services().background();
  }

  public Lanes lanes() {
    return services().lanes();
  }

  public TaskRunner tasks() {
    return services().tasks();
  }

  public JobStore jobs() {
    return services().jobs();
  }

  public LogAppender log() {
    return services().log();
  }

  public ScheduleBoard schedules() {
    return services().schedules();
  }

  public Observability ops() {
    return services().ops();
  }

  public ClusterView cluster() {
    return services().cluster();
  }

  public HealthChecks health() {
    return services().health();
  }
}
