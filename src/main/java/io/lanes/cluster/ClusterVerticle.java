package io.lanes.cluster;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.healthchecks.Status;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keeps this node's record in the cluster-wide map {@value #NODES_MAP} (id, roles, compute instances, HTTP port,
 * advertised host; rewritten every {@value #REFRESH_MS} ms with a {@value #RECORD_TTL_MS} ms time-to-live) and the node's
 * {@link ClusterView} up to date: the records of the members Hazelcast sees alive, refreshed at once when Hazelcast
 * removes a member, so a killed node drops out (and its departure reaches the view's listeners) as soon as the cluster
 * notices, not when its record expires. Registers the {@code cluster} health check. One instance per clustered node.
 */
public final class ClusterVerticle extends VerticleBase {

  public static final String NODES_MAP = "lanes.nodes";
  static final long REFRESH_MS = 1000;
  static final long RECORD_TTL_MS = 5000;
  private static final Logger LOG = LoggerFactory.getLogger(ClusterVerticle.class);

  private final String nodeId;
  private final ClusterView view;
  private final HealthChecks health;
  private final long healthTimeoutMs;
  private final Future<Integer> httpPort;
  private Future<AsyncMap<String, JsonObject>> nodes;
  private long timer = -1;
  private boolean refreshing;
  /** A refresh was asked for while one was going: run another when it ends. */
  private boolean again;
  private Runnable stopListening = () -> { };
  /** Fixed once the node has joined; read once, since the cluster manager answers it under a lock its events hold. */
  private String advertisedHost;
  private String vertxNodeId;

  /** {@code httpPort} completes once this node's HTTP front listens (never, on a node without one). */
  public ClusterVerticle(String nodeId, ClusterView view, HealthChecks health, long healthTimeoutMs,
                         Future<Integer> httpPort) {
    this.nodeId = nodeId;
    this.view = view;
    this.health = health;
    this.healthTimeoutMs = healthTimeoutMs;
    this.httpPort = httpPort;
  }

  @Override
  public Future<?> start() {
    nodes = vertx.sharedData().getClusterWideMap(NODES_MAP);
    advertisedHost = Clustering.advertisedHost(vertx);
    vertxNodeId = Clustering.vertxNodeId(vertx);
    health.register("cluster", healthTimeoutMs, this::check);
    stopListening = Clustering.onMemberLeft(vertx, () -> context.runOnContext(left -> refresh()));
    return refresh().onSuccess(v -> timer = vertx.setPeriodic(REFRESH_MS, tick -> refresh()));
  }

  /** Leaves the map at once on a graceful stop, so the others do not count this node until its record expires. */
  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    stopListening.run();
    return nodes.compose(map -> map.remove(nodeId))
      .<Void>mapEmpty()
      .recover(e -> Future.succeededFuture());
  }

  /** Publishes this node's record, then reads the live members' records; a failed refresh keeps the last view. */
  private Future<Void> refresh() {
    if (refreshing) {
      again = true;
      return Future.succeededFuture();
    }
    refreshing = true;
    int port = httpPort.succeeded() ? httpPort.result() : -1;
    JsonObject self = view.self(vertxNodeId, advertisedHost, port);
    return nodes
      .compose(map -> {
        view.quorum(Clustering.quorum(vertx, ClusterJobLock.RUNS_MAP));
        return map.put(nodeId, self, RECORD_TTL_MS).compose(v -> map.entries());
      })
      .map(records -> live(records, self))
      .onSuccess(view::update)
      .onFailure(e -> LOG.warn("Could not refresh the cluster view: {}", e.toString()))
      .<Void>mapEmpty()
      .andThen(done -> {
        refreshing = false;
        if (again) {
          again = false;
          refresh();
        }
      });
  }

  /**
   * The records of the members Hazelcast sees alive. A live member whose record is missing from this read keeps its
   * last one: while the map's partitions migrate (a member just cut off), a read can return only part of the entries,
   * and a node is gone when Hazelcast removes it, never because one read missed its record (that would fail its tasks
   * and jobs while it runs them).
   */
  private List<JsonObject> live(Map<String, JsonObject> records, JsonObject self) {
    Set<String> alive = Clustering.liveVertxNodes(vertx);
    List<JsonObject> live = new ArrayList<>(records.values().stream()
      .filter(record -> alive.contains(record.getString(ClusterView.VERTX_NODE)))
      .filter(record -> !nodeId.equals(record.getString(ClusterView.ID)))
      .toList());
    Set<String> read = new HashSet<>();
    live.forEach(record -> read.add(record.getString(ClusterView.ID)));
    view.members().stream()
      .filter(previous -> !nodeId.equals(previous.getString(ClusterView.ID)))
      .filter(previous -> !read.contains(previous.getString(ClusterView.ID)))
      .filter(previous -> alive.contains(previous.getString(ClusterView.VERTX_NODE)))
      .forEach(live::add);
    live.add(self);
    return live;
  }

  private void check(Promise<Status> promise) {
    promise.complete(Status.OK(view.toJson()));
  }
}
