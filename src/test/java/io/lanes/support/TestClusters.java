package io.lanes.support;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.Arrays;
import java.util.List;

/**
 * Clustered Vert.x instances for tests, in one JVM: Hazelcast over TCP-IP on 127.0.0.1 with the ports a test class owns
 * (5801 and up; {@code conf/cluster.xml} uses 5701), fast join, phone-home off, event bus on loopback.
 */
public final class TestClusters {

  private TestClusters() {
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
    config.getNetworkConfig().getInterfaces().setEnabled(true).setInterfaces(List.of("127.0.0.1"));
    JoinConfig join = config.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).setConnectionTimeoutSeconds(1)
      .setMembers(Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).toList());
    config.addMapConfig(new MapConfig("lanes.*").setTimeToLiveSeconds(86_400));
    return config;
  }

  public static Future<Vertx> start(Config hazelcast) {
    VertxOptions options = new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1"));
    return Vertx.builder().with(options).withClusterManager(new HazelcastClusterManager(hazelcast)).buildClustered();
  }
}
