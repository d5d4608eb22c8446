package io.lanes.config;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("Loading the configuration")
class ConfigLoaderTest {

  @TempDir
  Path dir;

  private Path file(JsonObject json) throws IOException {
    Path file = dir.resolve("config.json");
    Files.writeString(file, json.encodePrettily());
    return file;
  }

  private static ConfigLoader loader(Vertx vertx, Path file, Map<String, String> env, Properties properties) {
    Map<String, String> environment = new java.util.HashMap<>(env);
    environment.put(ConfigLoader.FILE_ENV, file.toString());
    return new ConfigLoader(vertx, environment, properties);
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("deep-merges file < -conf < environment < system properties")
  void mergesInPrecedenceOrder(Vertx vertx, VertxTestContext testContext) throws IOException {
    Path file = file(new JsonObject()
      .put("http", new JsonObject().put("port", 8080).put("host", "127.0.0.1").put("maxBodyBytes", 2048))
      .put("blocking", new JsonObject().put("poolSize", 3).put("queueLimit", 7)));
    JsonObject launcherConf = new JsonObject()
      .put("blocking", new JsonObject().put("poolSize", 5))
      .put("http", new JsonObject().put("port", 9000));
    Properties properties = new Properties();
    properties.setProperty("lanes.http.port", "9002");
    properties.setProperty("java.vendor.url", "ignored");
    loader(vertx, file, Map.of("HTTP_PORT", "9001", "HTTP_HOST", "0.0.0.0", "DATA_DIR", "/tmp/lanes-data"), properties)
      .load(launcherConf)
      .onComplete(testContext.succeeding(config -> testContext.verify(() -> {
        assertEquals(9002, config.http().port(), "system property wins");
        assertEquals("0.0.0.0", config.http().host(), "environment beats the file");
        assertEquals(2048, config.http().maxBodyBytes(), "file keys the override does not name survive");
        assertEquals(5, config.blocking().poolSize(), "-conf beats the file");
        assertEquals(7, config.blocking().queueLimit(), "deep merge keeps sibling keys");
        assertEquals("/tmp/lanes-data", config.files().dataDir());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("reads every documented environment variable into its key")
  void readsEveryEnvironmentVariable(Vertx vertx, VertxTestContext testContext) throws IOException {
    Map<String, String> environment = Map.ofEntries(
      Map.entry("HTTP_HOST", "0.0.0.0"),
      Map.entry("HTTP_PORT", "9100"),
      Map.entry("HTTP_INSTANCES", "3"),
      Map.entry("DATA_DIR", "/tmp/lanes-env"),
      Map.entry("FILES_FSYNC", "true"),
      Map.entry("BLOCKING_POOL_SIZE", "11"),
      Map.entry("COMPUTE_INSTANCES", "5"),
      Map.entry("CLUSTER_HOST", "10.0.0.1"),
      Map.entry("CLUSTER_PUBLIC_HOST", "203.0.113.7"),
      Map.entry("LANES_ROLES", "compute, scheduler"),
      Map.entry("SHUTDOWN_GRACE_MS", "1234"),
      Map.entry("DEMO_ALLOW_EVENT_LOOP_BLOCKING", "true"),
      Map.entry("OPS_HOST", "10.0.0.2"),
      Map.entry("OPS_PORT", "9101"),
      Map.entry("FANOUT_STUBS", "true"),
      Map.entry("DASHBOARD_ENABLED", "false"));
    assertEquals(new java.util.TreeSet<>(ConfigLoader.ENVIRONMENT_KEYS.values()), new java.util.TreeSet<>(environment.keySet()),
      "this test covers every variable the loader reads");
    loader(vertx, file(new JsonObject()), environment, new Properties())
      .load(new JsonObject())
      .onComplete(testContext.succeeding(config -> testContext.verify(() -> {
        assertEquals("0.0.0.0", config.http().host());
        assertEquals(9100, config.http().port());
        assertEquals(3, config.http().instances());
        assertEquals("/tmp/lanes-env", config.files().dataDir());
        assertTrue(config.files().fsync());
        assertEquals(11, config.blocking().poolSize());
        assertEquals(5, config.compute().instances());
        assertEquals("10.0.0.1", config.cluster().host());
        assertEquals("203.0.113.7", config.cluster().publicHost());
        assertEquals(java.util.Set.of(Role.COMPUTE, Role.SCHEDULER), config.roles());
        assertEquals(1234, config.shutdown().graceMs());
        assertTrue(config.demo().allowEventLoopBlocking());
        assertEquals("10.0.0.2", config.ops().host());
        assertEquals(9101, config.ops().port());
        assertTrue(config.fanout().stubs());
        assertFalse(config.dashboard().enabled());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails with one line naming the key and the variable for HTTP_PORT=notaport")
  void rejectsABadEnvironmentValue(Vertx vertx, VertxTestContext testContext) throws IOException {
    Path file = file(new JsonObject());
    loader(vertx, file, Map.of("HTTP_PORT", "notaport"), new Properties())
      .load(new JsonObject())
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        ConfigException error = assertInstanceOf(ConfigException.class, cause);
        assertEquals("http.port", error.key());
        assertTrue(error.getMessage().contains("HTTP_PORT"), error.getMessage());
        assertFalse(error.getMessage().contains("\n"));
        assertEquals(0, error.getStackTrace().length);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails on a malformed config file instead of ignoring it")
  void rejectsAMalformedFile(Vertx vertx, VertxTestContext testContext) throws IOException {
    Path file = dir.resolve("broken.json");
    Files.writeString(file, "{ \"http\": ");
    loader(vertx, file, Map.of(), new Properties())
      .load(new JsonObject())
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        assertInstanceOf(ConfigException.class, cause);
        testContext.completeNow();
      })));
  }

  @Test
  @DisplayName("names the key of every invalid value")
  void namesTheBadKey() {
    Map<String, JsonObject> bad = Map.ofEntries(
      Map.entry("blocking.poolSize", new JsonObject().put("blocking", new JsonObject().put("poolSize", -1))),
      Map.entry("http.port", new JsonObject().put("http", new JsonObject().put("port", 70000))),
      Map.entry("files.fsync", new JsonObject().put("files", new JsonObject().put("fsync", "maybe"))),
      Map.entry("roles", new JsonObject().put("roles", "http,gpu")),
      Map.entry("schedules[0].name", new JsonObject().put("schedules", new io.vertx.core.json.JsonArray().add(new JsonObject()))),
      Map.entry("compute", new JsonObject().put("compute", 3)),
      Map.entry("tasks.defaultSeconds", new JsonObject().put("tasks", new JsonObject().put("defaultSeconds", 10).put("maxSeconds", 5))),
      Map.entry("blocking.defaultSleepSeconds", new JsonObject().put("blocking", new JsonObject().put("defaultSleepSeconds", -1))),
      Map.entry("fanout.upstreams[0]", new JsonObject().put("fanout", new JsonObject().put("upstreams", "file:///etc/passwd"))),
      Map.entry("dashboard.staleAfterMs", new JsonObject().put("dashboard", new JsonObject().put("intervalMs", 2000)
        .put("staleAfterMs", 1000))),
      Map.entry("dashboard.maxClients", new JsonObject().put("dashboard", new JsonObject().put("maxClients", -1))));
    bad.forEach((key, json) -> {
      ConfigException error = assertThrows(ConfigException.class, () -> LanesConfig.from(json), key);
      assertEquals(key, error.key());
    });
  }

  @Test
  @DisplayName("fills every default, one HTTP and compute instance per core")
  void appliesDefaults() {
    LanesConfig config = LanesConfig.from(new JsonObject());
    int cores = Runtime.getRuntime().availableProcessors();
    assertEquals(8080, config.http().port());
    assertEquals("127.0.0.1", config.http().host());
    assertEquals(cores, config.http().instances());
    assertEquals(cores, config.compute().instances());
    assertEquals(4, config.roles().size());
    assertFalse(config.demo().allowEventLoopBlocking());
    assertEquals(5, config.blocking().defaultSleepSeconds(), "the original's /sync and /async wait 5 s");
    assertEquals(1, LanesConfig.from(new JsonObject().put("blocking", new JsonObject().put("maxSleepSeconds", 1)))
      .blocking().defaultSleepSeconds(), "the default never exceeds the bound");
    assertEquals(2, LanesConfig.from(new JsonObject().put("blocking",
      new JsonObject().put("defaultSleepSeconds", 10).put("maxSleepSeconds", 2))).blocking().defaultSleepSeconds());
    assertEquals(new LanesConfig.Dashboard(true, 16, 1000, 3000), config.dashboard());
    assertEquals(0, LanesConfig.from(new JsonObject().put("compute", new JsonObject().put("instances", 0)))
      .compute().instances());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("reads the shipped conf/config.json as valid")
  void shippedConfigIsValid(Vertx vertx, VertxTestContext testContext) {
    new ConfigLoader(vertx, Map.of(), new Properties())
      .load(new JsonObject())
      .onComplete(testContext.succeeding(config -> testContext.verify(() -> {
        assertEquals(8080, config.http().port());
        testContext.completeNow();
      })));
  }
}
