package io.lanes.cluster;

import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What this node knows of the nodes it works with: alone, only itself; clustered, the live members' records as the
 * {@link ClusterVerticle} last read them (refreshed every second, and at once when Hazelcast removes a member), whether
 * this side of the cluster has the quorum its periodic jobs need, and who is told when a node leaves. Read from any
 * thread.
 */
public final class ClusterView {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterView.class);

  public static final String ID = "id";
  public static final String VERTX_NODE = "vertxNode";
  public static final String ROLES = "roles";
  public static final String COMPUTE = "compute";
  public static final String HTTP_PORT = "httpPort";
  public static final String HOST = "host";

  private final String nodeId;
  private final LanesConfig config;
  private final boolean clustered;
  private volatile List<JsonObject> members;
  private volatile Clustering.Quorum quorum = Clustering.Quorum.NONE;
  private final List<Consumer<String>> departures = new CopyOnWriteArrayList<>();

  public ClusterView(String nodeId, LanesConfig config, boolean clustered) {
    this.nodeId = nodeId;
    this.config = config;
    this.clustered = clustered;
    this.members = List.of(self(null, null, -1));
  }

  public boolean clustered() {
    return clustered;
  }

  /** This node's record: {@code {"id","vertxNode","roles","compute" (instances, 0 without the role),"httpPort","host"}}. */
  public JsonObject self(String vertxNodeId, String host, int httpPort) {
    int compute = config.has(Role.COMPUTE) ? config.compute().instances() : 0;
    return new JsonObject()
      .put(ID, nodeId)
      .put(VERTX_NODE, vertxNodeId)
      .put(ROLES, new JsonArray(config.roles().stream().map(Role::id).sorted().toList()))
      .put(COMPUTE, compute)
      .put(HTTP_PORT, httpPort > 0 ? httpPort : null)
      .put(HOST, host);
  }

  /** The live members' records by id (this node included); alone, this node only. */
  public List<JsonObject> members() {
    return members;
  }

  /** Live nodes that run compute verticles: those a job sent to {@code lanes.compute.jobs} can reach. */
  public int computeNodes() {
    return (int) members.stream().filter(member -> member.getInteger(COMPUTE, 0) > 0).count();
  }

  /** Compute verticle instances across the live nodes. */
  public int computeInstances() {
    return members.stream().mapToInt(member -> member.getInteger(COMPUTE, 0)).sum();
  }

  public boolean hasComputeConsumer() {
    return computeNodes() > 0;
  }

  /** Whether Lanes node {@code id} is a live member (this node always is). */
  public boolean isLive(String id) {
    return nodeId.equals(id) || members.stream().anyMatch(member -> id.equals(member.getString(ID)));
  }

  /**
   * Tells {@code listener} the Lanes node id of each node that leaves the cluster (crashed, cut off, or stopped), once,
   * on the cluster verticle's event loop, after {@link #isLive} already says it is gone.
   */
  public void onNodeLeft(Consumer<String> listener) {
    departures.add(listener);
  }

  /** The split-brain protection of the periodic jobs' claims as this side sees it ({@code NONE} when not configured). */
  public Clustering.Quorum quorum() {
    return quorum;
  }

  /** What the {@code cluster} health check shows. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("node", nodeId)
      .put("members", members.size())
      .put("computeNodes", computeNodes())
      .put("computeInstances", computeInstances())
      .put("nodes", new JsonArray(List.copyOf(members)));
    Clustering.Quorum now = quorum;
    if (now.configured()) {
      json.put("quorum", new JsonObject()
        .put("protection", now.name())
        .put("needed", now.needed())
        .put("members", now.members())
        .put("present", now.present())
        .put("periodicJobs", now.present() ? "claimed" : "paused: this side cannot prove it is the majority"));
    }
    return json;
  }

  /** The new live records; tells the listeners about each node that was live and is not any more. */
  void update(List<JsonObject> live) {
    Set<String> before = ids(members);
    members = live.stream().sorted(Comparator.comparing(member -> member.getString(ID))).toList();
    Set<String> now = ids(members);
    before.stream()
      .filter(id -> !now.contains(id) && !id.equals(nodeId))
      .forEach(gone -> {
        LOG.info("Node {} left the cluster: {} member(s) live", gone, now.size());
        departures.forEach(listener -> listener.accept(gone));
      });
  }

  void quorum(Clustering.Quorum now) {
    quorum = now;
  }

  private static Set<String> ids(List<JsonObject> records) {
    return records.stream().map(record -> record.getString(ID)).collect(Collectors.toSet());
  }
}
