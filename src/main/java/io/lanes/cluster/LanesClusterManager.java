package io.lanes.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.InterfacesConfig;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.XmlConfigBuilder;
import com.hazelcast.core.LifecycleEvent;
import io.lanes.bus.Addresses;
import io.lanes.lifecycle.StartupException;
import io.vertx.core.Completable;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * vertx-hazelcast's cluster manager with a cluster config that is read or refused, never guessed. Registered as a
 * {@code VertxServiceProvider} ahead of vertx-hazelcast's own, so {@code -cluster} uses it with every launcher
 * ({@code java -jar}, {@code io.vertx.core.Launcher run}); a Vert.x given a cluster manager explicitly (the tests) keeps
 * that one. vertx-hazelcast falls back to its built-in config (multicast join) when the file named by
 * {@value #CONFIG_PROPERTY} does not exist, and fails with two stack traces when it is not a Hazelcast config; here the
 * node stops with one line that names the file and the setting. It also refuses the member list that can never join:
 * members on other hosts with {@code <interfaces>} left at the loopback (the node would wait in the join forever).
 */
public class LanesClusterManager extends HazelcastClusterManager {

  /** The system property naming the Hazelcast XML file (vertx-hazelcast's own). */
  public static final String CONFIG_PROPERTY = "vertx.hazelcast.config";
  /** The cluster config used when nothing names one. */
  public static final String DEFAULT_FILE = "conf/cluster.xml";
  private static final Logger LOG = LoggerFactory.getLogger(LanesClusterManager.class);

  private Vertx vertx;
  private Config loaded;

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    this.vertx = vertx;
  }

  /** After a merge, tells this node's cluster-visible consumers to register again ({@link Addresses#CLUSTER_MERGED}). */
  @Override
  public synchronized void stateChanged(LifecycleEvent event) {
    super.stateChanged(event);
    if (event.getState() == LifecycleEvent.LifecycleState.MERGED && vertx != null) {
      LOG.info("This node's side of the cluster merged back: registering its consumers again");
      vertx.runOnContext(v -> vertx.eventBus().publish(Addresses.CLUSTER_MERGED, null));
    }
  }

  /**
   * Reads and checks the config first (off the event loop: a cold XML parse takes a while), then joins with it; a
   * refused config fails the join before anything of Hazelcast started, so there is nothing to leave.
   */
  @Override
  public void join(Completable<Void> promise) {
    vertx.executeBlocking(this::loadConfig, false).onComplete((config, refused) -> {
      if (refused != null) {
        promise.fail(refused);
      } else {
        super.join(promise);
      }
    });
  }

  /**
   * The config, read once: the file named by {@value #CONFIG_PROPERTY}; else a {@code cluster.xml} on the class path
   * (vertx-hazelcast's search); else {@value #DEFAULT_FILE} of the working directory, as {@code conf/config.json} is,
   * so that every launcher started from the project clusters the same way; else vertx-hazelcast's built-in one.
   */
  @Override
  public synchronized Config loadConfig() {
    if (loaded == null) {
      String location = System.getProperty(CONFIG_PROPERTY);
      if (location == null && onClassPath() == null && Files.isRegularFile(Path.of(DEFAULT_FILE))) {
        location = DEFAULT_FILE;
      }
      Config config = location == null || location.startsWith("classpath:") ? super.loadConfig() : read(location);
      if (config != null) {
        interfacesProblem(location, config).ifPresent(LanesClusterManager::refuse);
      }
      loaded = config;
    }
    return loaded;
  }

  private static URL onClassPath() {
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    return (loader == null ? LanesClusterManager.class.getClassLoader() : loader).getResource("cluster.xml");
  }

  private static Config read(String location) {
    Path file = Path.of(location);
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      refuse("Cannot read the cluster config " + file.toAbsolutePath() + " (system property " + CONFIG_PROPERTY + "): "
        + (!Files.exists(file) ? "no such file" : Files.isRegularFile(file) ? "not readable" : "not a file"));
    }
    wellFormed(file);
    try (InputStream in = Files.newInputStream(file)) {
      return new XmlConfigBuilder(in).build();
    } catch (IOException e) {
      return refuse("Cannot read the cluster config " + file.toAbsolutePath() + " (system property " + CONFIG_PROPERTY
        + "): " + e.getClass().getSimpleName() + " " + e.getMessage());
    } catch (RuntimeException e) {
      return refuse("The cluster config " + file.toAbsolutePath() + " (system property " + CONFIG_PROPERTY
        + ") is not a valid Hazelcast config: " + firstLine(e));
    }
  }

  /**
   * A quiet first parse, so that a malformed file is one line (the JDK's parser prints "[Fatal Error]" on stderr, and
   * Hazelcast logs its own failure before its logging is configured).
   */
  private static void wellFormed(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      DocumentBuilder parser = factory.newDocumentBuilder();
      parser.setErrorHandler(new DefaultHandler());
      parser.parse(in);
    } catch (SAXParseException e) {
      refuse("The cluster config " + file.toAbsolutePath() + " (system property " + CONFIG_PROPERTY
        + ") is not well-formed XML: line " + e.getLineNumber() + ": " + e.getMessage());
    } catch (IOException | SAXException | ParserConfigurationException e) {
      refuse("Cannot read the cluster config " + file.toAbsolutePath() + " (system property " + CONFIG_PROPERTY
        + "): " + e.getMessage());
    }
  }

  /** Members on other hosts, but {@code <interfaces>} that allow only the loopback: the join could never happen. */
  static Optional<String> interfacesProblem(String location, Config config) {
    InterfacesConfig interfaces = config.getNetworkConfig().getInterfaces();
    JoinConfig join = config.getNetworkConfig().getJoin();
    if (!interfaces.isEnabled() || interfaces.getInterfaces().isEmpty() || !join.getTcpIpConfig().isEnabled()) {
      return Optional.empty();
    }
    List<String> members = List.copyOf(join.getTcpIpConfig().getMembers());
    boolean onlyLoopback = interfaces.getInterfaces().stream().allMatch(AdvertisedAddressCheck::isLoopback);
    boolean membersElsewhere = !members.isEmpty() && members.stream().noneMatch(AdvertisedAddressCheck::isLoopback);
    if (!onlyLoopback || !membersElsewhere) {
      return Optional.empty();
    }
    return Optional.of("The cluster config " + (location == null ? "(classpath)" : location) + " lists members "
      + members + " but its <interfaces> allow only " + interfaces.getInterfaces() + ": Hazelcast would bind the"
      + " loopback and never join them. Set <interfaces> to the subnet the members share (e.g. 10.0.0.*)");
  }

  /** Logs the reason (the one line an operator reads) and fails the join without repeating it. */
  private static <T> T refuse(String reason) {
    LOG.error(reason);
    throw new StartupException("Lanes did not join the cluster: the line above says why");
  }

  private static String firstLine(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = String.valueOf(root.getMessage()).strip();
    int newline = message.indexOf('\n');
    String line = newline < 0 ? message : message.substring(0, newline).strip();
    // the schema's "One of '{...}' is expected" lists every element Hazelcast knows
    int choices = line.indexOf(" One of ");
    return choices < 0 ? line : line.substring(0, choices);
  }
}
