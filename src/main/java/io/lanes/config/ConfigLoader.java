package io.lanes.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Loads the node's configuration with vertx-config, lowest precedence first: {@code conf/config.json}, the launcher's
 * {@code -conf} (a partial override, deep-merged), environment variables, then {@code -Dlanes.*} system properties.
 */
public final class ConfigLoader {

  public static final String DEFAULT_FILE = "conf/config.json";
  /** Environment variable or system property naming another config file. */
  public static final String FILE_ENV = "LANES_CONFIG";
  public static final String FILE_PROPERTY = "lanes.config";
  /** System properties {@code lanes.<section>.<key>} override config keys. */
  public static final String PROPERTY_PREFIX = "lanes.";

  /** Environment variables that override a config key, by the key's dotted path. */
  public static final Map<String, String> ENVIRONMENT_KEYS = environmentKeys();

  private final Vertx vertx;
  private final Map<String, String> environment;
  private final Properties properties;

  public ConfigLoader(Vertx vertx, Map<String, String> environment, Properties properties) {
    this.vertx = vertx;
    this.environment = Map.copyOf(environment);
    this.properties = properties;
  }

  public static ConfigLoader fromProcess(Vertx vertx) {
    return new ConfigLoader(vertx, System.getenv(), System.getProperties());
  }

  /** Loads, merges and validates; fails with a {@link ConfigException} naming the key (and the variable that set it). */
  public Future<LanesConfig> load(JsonObject launcherConf) {
    return loadJson(launcherConf).map(json -> {
      try {
        return LanesConfig.from(json);
      } catch (ConfigException e) {
        throw withSource(e);
      }
    });
  }

  /** The merged, not yet validated JSON. */
  public Future<JsonObject> loadJson(JsonObject launcherConf) {
    String explicitFile = environment.getOrDefault(FILE_ENV, properties.getProperty(FILE_PROPERTY));
    String file = explicitFile == null ? DEFAULT_FILE : explicitFile;
    return vertx.fileSystem()
      .exists(file)
      .compose(exists -> {
        if (!exists && explicitFile != null) {
          return Future.failedFuture(new ConfigException(FILE_ENV, "names a file that does not exist: " + file));
        }
        ConfigRetrieverOptions options = new ConfigRetrieverOptions().setScanPeriod(0);
        if (exists) {
          options.addStore(new ConfigStoreOptions().setType("file").setFormat("json")
            .setConfig(new JsonObject().put("path", file)));
        }
        options.addStore(jsonStore(launcherConf == null ? new JsonObject() : launcherConf));
        options.addStore(jsonStore(environmentOverrides()));
        options.addStore(jsonStore(propertyOverrides()));
        ConfigRetriever retriever = ConfigRetriever.create(vertx, options);
        return retriever.getConfig()
          .recover(cause -> Future.failedFuture(new ConfigException(file, "cannot be read: " + cause.getMessage())))
          .eventually(retriever::close);
      });
  }

  JsonObject environmentOverrides() {
    JsonObject overrides = new JsonObject();
    ENVIRONMENT_KEYS.forEach((path, variable) -> {
      String value = environment.get(variable);
      if (value != null) {
        putPath(overrides, path, value);
      }
    });
    return overrides;
  }

  JsonObject propertyOverrides() {
    JsonObject overrides = new JsonObject();
    for (String name : properties.stringPropertyNames()) {
      if (name.startsWith(PROPERTY_PREFIX) && !name.equals(FILE_PROPERTY)) {
        putPath(overrides, name.substring(PROPERTY_PREFIX.length()), properties.getProperty(name));
      }
    }
    return overrides;
  }

  /** How to set {@code key}: {@code "HTTP_PORT or http.port"}, or the key alone when no variable overrides it. */
  public static String settingOf(String key) {
    String variable = ENVIRONMENT_KEYS.get(key);
    return variable == null ? key : variable + " or " + key;
  }

  private ConfigException withSource(ConfigException e) {
    String variable = ENVIRONMENT_KEYS.get(e.key());
    if (variable != null && environment.containsKey(variable)) {
      return new ConfigException(e.key(), e.problem() + " (set by environment variable " + variable + ")");
    }
    return e;
  }

  private static ConfigStoreOptions jsonStore(JsonObject json) {
    return new ConfigStoreOptions().setType("json").setConfig(json);
  }

  private static void putPath(JsonObject target, String dottedPath, String value) {
    String[] parts = dottedPath.split("\\.");
    JsonObject node = target;
    for (int i = 0; i < parts.length - 1; i++) {
      Object child = node.getValue(parts[i]);
      if (!(child instanceof JsonObject)) {
        child = new JsonObject();
        node.put(parts[i], child);
      }
      node = (JsonObject) child;
    }
    node.put(parts[parts.length - 1], value);
  }

  private static Map<String, String> environmentKeys() {
    Map<String, String> keys = new LinkedHashMap<>();
    keys.put("http.host", "HTTP_HOST");
    keys.put("http.port", "HTTP_PORT");
    keys.put("http.instances", "HTTP_INSTANCES");
    keys.put("files.dataDir", "DATA_DIR");
    keys.put("files.fsync", "FILES_FSYNC");
    keys.put("blocking.poolSize", "BLOCKING_POOL_SIZE");
    keys.put("compute.instances", "COMPUTE_INSTANCES");
    keys.put("cluster.host", "CLUSTER_HOST");
    keys.put("cluster.publicHost", "CLUSTER_PUBLIC_HOST");
    keys.put("roles", "LANES_ROLES");
    keys.put("shutdown.graceMs", "SHUTDOWN_GRACE_MS");
    keys.put("demo.allowEventLoopBlocking", "DEMO_ALLOW_EVENT_LOOP_BLOCKING");
    keys.put("ops.host", "OPS_HOST");
    keys.put("ops.port", "OPS_PORT");
    keys.put("fanout.stubs", "FANOUT_STUBS");
    keys.put("dashboard.enabled", "DASHBOARD_ENABLED");
    return Map.copyOf(keys);
  }
}
