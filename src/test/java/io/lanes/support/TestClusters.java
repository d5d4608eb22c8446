package io.lanes.support;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * Clustered Vert.x instances for tests, in one JVM: Hazelcast over TCP-IP on 127.0.0.1, fast join, phone-home off,
 * event bus on loopback. {@link #members} picks free member ports and a cluster name of its own at run time, so two
 * test runs on one host (or two classes in one run) never join each other's cluster or fight for a port.
 */
public final class TestClusters {

  private static final String LOOPBACK = "127.0.0.1";

  private TestClusters() {
  }

  /**
   * {@code count} members of a new cluster named {@code prefix} plus a random suffix, each on a port free right now.
   * Hazelcast's TCP-IP join needs every member's address before the first one starts, hence ports picked up front.
   */
  public static Members members(String prefix, int count) {
    return new Members(prefix + "-" + UUID.randomUUID(), freePorts(count));
  }

  /**
   * {@code count} distinct ports of 127.0.0.1 that were free a moment ago: the sockets are all bound (port 0) before any
   * is closed, so the ports differ. A listener that never accepted leaves no TIME_WAIT behind, so Hazelcast can bind it.
   */
  public static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)));
      }
      return sockets.stream().mapToInt(ServerSocket::getLocalPort).toArray();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + LOOPBACK, e);
    } finally {
      sockets.forEach(TestClusters::closeQuietly);
    }
  }

  private static void closeQuietly(ServerSocket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // the port is only a number to us
    }
  }

  /** A member on {@code port} of the cluster {@code name} whose members are on {@code ports}. */
  public static Config hazelcast(String name, int port, int... ports) {
    Config config = ConfigUtil.loadConfig();
    config.setClusterName(name);
    config.setProperty("hazelcast.phone.home.enabled", "false");
    config.setProperty("hazelcast.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    config.setProperty("hazelcast.logging.type", "slf4j");
    config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of(LOOPBACK));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1)
      .setMembers(Arrays.stream(ports).mapToObj(p -> LOOPBACK + ":" + p).toList());
    config.addMapConfig(new MapConfig("lanes.*").setTimeToLiveSeconds(86_400));
    return config;
  }

  /**
   * {@code config} with the periodic jobs' split-brain protection of {@code conf/cluster.xml}: the claim map and Vert.x's
   * lock map need {@code minimumMembers} members heard from within 3 s (heartbeats every second).
   */
  public static Config protectSchedules(Config config, int minimumMembers) {
    String name = "lanes-majority";
    config.setProperty("hazelcast.heartbeat.interval.seconds", "1");
    config.addSplitBrainProtectionConfig(SplitBrainProtectionConfig
      .newRecentlyActiveSplitBrainProtectionConfigBuilder(name, minimumMembers, 3000).enabled(true).build());
    config.addMapConfig(new MapConfig("lanes.schedule.runs").setSplitBrainProtectionName(name));
    config.addMapConfig(new MapConfig("__vertx.map.lock").setSplitBrainProtectionName(name));
    return config;
  }

  public static Future<Vertx> start(Config hazelcast) {
    // The tests' own blocked-thread checker (see NoBlockedEventLoops), and the event bus on the loopback.
    VertxOptions options = TestVertx.options().setEventBusOptions(new EventBusOptions().setHost(LOOPBACK));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }

  /** The members of one test cluster: its unique name and each member's Hazelcast port. */
  public static final class Members {

    private final String name;
    private final int[] ports;

    private Members(String name, int[] ports) {
      this.name = name;
      this.ports = ports.clone();
    }

    public String name() {
      return name;
    }

    public int port(int member) {
      return ports[member];
    }

    /** The Hazelcast config of member {@code member} (0-based). */
    public Config hazelcast(int member) {
      return TestClusters.hazelcast(name, ports[member], ports);
    }

    /** Starts member {@code member} as a clustered Vert.x. */
    public Future<Vertx> start(int member) {
      return TestClusters.start(hazelcast(member));
    }

    @Override
    public String toString() {
      return name + " on " + LOOPBACK + " ports " + Arrays.toString(ports);
    }
  }
}
