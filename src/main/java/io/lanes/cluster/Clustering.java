package io.lanes.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.Set;

/**
 * What a clustered node can learn about its cluster, in the one class that reaches past Vert.x's public API: Vert.x 5 has
 * no public member list, so this casts to the internal {@link VertxInternal#clusterManager()} (as vertx-hazelcast's own
 * {@code ClusterHealthCheck} does) and from there uses only the cluster-manager SPI ({@code getNodes}, {@code getNodeId},
 * {@code getNodeInfo}) and the public {@link HazelcastClusterManager#getConfig()}.
 */
public final class Clustering {

  private Clustering() {
  }

  private static ClusterManager manager(Vertx vertx) {
    if (!vertx.isClustered()) {
      throw new IllegalStateException("this Vert.x is not clustered");
    }
    return ((VertxInternal) vertx).clusterManager();
  }

  /** The Vert.x node id of this member (not the Lanes node id). */
  public static String vertxNodeId(Vertx vertx) {
    return manager(vertx).getNodeId();
  }

  /** The Vert.x node ids of the members the cluster manager sees now (a local read of Hazelcast's member list). */
  public static Set<String> liveVertxNodes(Vertx vertx) {
    return Set.copyOf(manager(vertx).getNodes());
  }

  /** The event-bus host this node advertises to the others (the cluster public host if set, else the bound host). */
  public static String advertisedHost(Vertx vertx) {
    NodeInfo info = manager(vertx).getNodeInfo();
    return info == null ? null : info.host();
  }

  /**
   * The members the Hazelcast config lists (TCP-IP join), or an empty list when members are discovered (multicast,
   * auto-detection, a discovery SPI) and so may be anywhere; {@code null} with another cluster manager.
   */
  public static List<String> configuredMembers(Vertx vertx) {
    if (!(manager(vertx) instanceof HazelcastClusterManager hazelcast) || hazelcast.getConfig() == null) {
      return null;
    }
    Config config = hazelcast.getConfig();
    JoinConfig join = config.getNetworkConfig().getJoin();
    return join.getTcpIpConfig().isEnabled() ? List.copyOf(join.getTcpIpConfig().getMembers()) : List.of();
  }
}
