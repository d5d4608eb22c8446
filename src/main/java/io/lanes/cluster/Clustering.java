package io.lanes.cluster;

import com.hazelcast.cluster.Cluster;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.properties.ClusterProperty;
import com.hazelcast.spi.properties.HazelcastProperties;
import com.hazelcast.splitbrainprotection.SplitBrainProtection;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.cluster.ClusterManager;
import io.vertx.core.spi.cluster.NodeInfo;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * What a clustered node can learn about its cluster, in the one class that reaches past Vert.x's public API: Vert.x 5 has
 * no public member list, so this casts to the internal {@link VertxInternal#clusterManager()} (as vertx-hazelcast's own
 * {@code ClusterHealthCheck} does) and from there uses the cluster-manager SPI ({@code getNodes}, {@code getNodeId},
 * {@code getNodeInfo}) and the public {@link HazelcastClusterManager#getHazelcastInstance()}: its config, membership
 * events and split-brain protection.
 */
public final class Clustering {

  /** Hazelcast's own slack on top of the heartbeat timeout before a silent member is removed (one more check). */
  private static final long DETECTION_SLACK_MS = 1000;

  private Clustering() {
  }

  private static ClusterManager manager(Vertx vertx) {
    if (!vertx.isClustered()) {
      throw new IllegalStateException("this Vert.x is not clustered");
    }
    return ((VertxInternal) vertx).clusterManager();
  }

  /** The Hazelcast member under this clustered Vert.x. */
  public static HazelcastInstance hazelcast(Vertx vertx) {
    if (!(manager(vertx) instanceof HazelcastClusterManager hazelcast) || hazelcast.getHazelcastInstance() == null) {
      throw new IllegalStateException("Lanes clusters with Hazelcast (vertx-hazelcast); this Vert.x uses "
        + manager(vertx).getClass().getName());
    }
    return hazelcast.getHazelcastInstance();
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

  /**
   * Runs {@code action} on a Hazelcast event thread each time a member leaves (a graceful leave, or the failure detector
   * removing a member it no longer hears from). Hand the work to a Vert.x context from there. Run the answer to stop.
   */
  public static Runnable onMemberLeft(Vertx vertx, Runnable action) {
    Cluster cluster = hazelcast(vertx).getCluster();
    UUID registration = cluster.addMembershipListener(new MembershipListener() {
      @Override
      public void memberAdded(MembershipEvent event) {
        // joins change nothing that was decided
      }

      @Override
      public void memberRemoved(MembershipEvent event) {
        action.run();
      }
    });
    return () -> cluster.removeMembershipListener(registration);
  }

  /**
   * How long after a member goes silent the others remove it: Hazelcast's {@code hazelcast.max.no.heartbeat.seconds}
   * plus one heartbeat interval and a second (5 + 1 + 1 s with {@code conf/cluster.xml}; 66 s with Hazelcast's defaults).
   * A member whose process dies on a reachable host closes its connections and is removed much sooner.
   */
  public static long failureDetectionMs(Vertx vertx) {
    HazelcastProperties properties = new HazelcastProperties(hazelcast(vertx).getConfig());
    return properties.getMillis(ClusterProperty.MAX_NO_HEARTBEAT_SECONDS)
      + properties.getMillis(ClusterProperty.HEARTBEAT_INTERVAL_SECONDS) + DETECTION_SLACK_MS;
  }

  /**
   * The split-brain protection that guards the map {@code mapName}, as this member sees it now; {@link Quorum#NONE} when
   * the map has none (then every side of a partition goes on alone).
   */
  public static Quorum quorum(Vertx vertx, String mapName) {
    HazelcastInstance hazelcast = hazelcast(vertx);
    MapConfig map = hazelcast.getConfig().findMapConfig(mapName);
    String name = map.getSplitBrainProtectionName();
    if (name == null) {
      return Quorum.NONE;
    }
    SplitBrainProtectionConfig config = hazelcast.getConfig().getSplitBrainProtectionConfigs().get(name);
    if (config == null || !config.isEnabled()) {
      return Quorum.NONE;
    }
    SplitBrainProtection protection = hazelcast.getSplitBrainProtectionService().getSplitBrainProtection(name);
    int members = hazelcast.getCluster().getMembers().size();
    return new Quorum(name, config.getMinimumClusterSize(), members, protection.hasMinimumSize());
  }

  /**
   * A split-brain protection: its name, the members it needs, the members this side has, and whether it is met (a
   * recently-active protection counts only the members heard from within its tolerance, so it can be unmet while the
   * member list is still whole).
   */
  public record Quorum(String name, int needed, int members, boolean present) {

    /** No protection configured: every side claims on its own. */
    public static final Quorum NONE = new Quorum(null, 1, 1, true);

    public boolean configured() {
      return name != null;
    }
  }
}
