package io.lanes.app;

import io.lanes.support.ChildLanes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up that cannot succeed, in a child JVM ({@link ChildLanes}): the launcher's exit status (15 deployment failed, 11
 * Vert.x could not start), the one line that says why and what to change (what an operator reads), no stack trace, no
 * ready banner. And a start that can: no WARN at all.
 */
@DisplayName("Lanes started")
class StartupFailureTest {

  /** The launcher's exit status when the main verticle fails to deploy. */
  private static final int DEPLOYMENT_FAILED = 15;
  /** The launcher's exit status when Vert.x itself (here: its cluster manager) cannot start. */
  private static final int VERTX_FAILED = 11;
  private static final Duration EXITS_WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("with a value set by an environment variable: exits 15 with one line naming the key and the variable")
  void badEnvironmentValue() {
    try (ChildLanes lanes = ChildLanes.named("bad-http-port").dataDir(dataDir).env("HTTP_PORT", "notaport").start()) {
      assertFailsWithOneLine(lanes, DEPLOYMENT_FAILED, "Invalid configuration: http.port must be an integer in 0..65535,"
        + " got \"notaport\" (set by environment variable HTTP_PORT)");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("with a value set by the launcher's -conf: exits 15 with one line naming the key")
  void badConfValue() {
    JsonObject conf = new JsonObject().put("files", new JsonObject().put("chunkBytes", 0));
    try (ChildLanes lanes = ChildLanes.named("bad-chunk-bytes").dataDir(dataDir).conf(conf).start()) {
      assertFailsWithOneLine(lanes, DEPLOYMENT_FAILED,
        "Invalid configuration: files.chunkBytes must be an integer in 512..67108864, got 0");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("on a port in use: exits 15 with one line naming the address and HTTP_PORT / http.port")
  void portInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
         ChildLanes lanes = ChildLanes.named("port-in-use").dataDir(dataDir)
           .env("HTTP_PORT", Integer.toString(taken.getLocalPort())).start()) {
      assertFailsWithOneLine(lanes, DEPLOYMENT_FAILED, "Cannot listen on 127.0.0.1:" + taken.getLocalPort()
        + ": the address is already in use (another process listens there). Set another port with HTTP_PORT or"
        + " http.port (0 picks a free one).");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("on an ops port in use: exits 15 with one line naming the address and OPS_PORT / ops.port")
  void opsPortInUse() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"));
         ChildLanes lanes = ChildLanes.named("ops-port-in-use").dataDir(dataDir)
           .env("OPS_PORT", Integer.toString(taken.getLocalPort())).start()) {
      assertFailsWithOneLine(lanes, DEPLOYMENT_FAILED, "Cannot listen on 127.0.0.1:" + taken.getLocalPort()
        + ": the address is already in use (another process listens there). Set another port with OPS_PORT or"
        + " ops.port (0 picks a free one).");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("with a data directory it cannot create: exits 15 with one line naming it and DATA_DIR / files.dataDir")
  void unusableDataDir() throws IOException {
    // a regular file where a directory should be: refused even to root, who may write anywhere else
    Path file = Files.writeString(dataDir.resolve("a-file"), "not a directory");
    Path wanted = file.resolve("data");
    try (ChildLanes lanes = ChildLanes.named("unusable-data-dir").dataDir(wanted).start()) {
      assertFailsWithOneLine(lanes, DEPLOYMENT_FAILED, "Cannot use the data directory " + wanted
        + ": not a directory. Set another with DATA_DIR or files.dataDir.");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("clustered with a cluster config it cannot read: exits 11 with one line naming the file and the property")
  void unreadableClusterConfig() {
    Path missing = dataDir.resolve("no-such-cluster.xml");
    try (ChildLanes lanes = ChildLanes.named("missing-cluster-config").dataDir(dataDir)
      .jvm("-Dvertx.hazelcast.config=" + missing).args("-cluster", "-cluster-host", "127.0.0.1").start()) {
      assertFailsWithOneLine(lanes, VERTX_FAILED, "Cannot read the cluster config " + missing
        + " (system property vertx.hazelcast.config): no such file");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("clustered with a cluster config that is not XML: exits 11 with one line naming the file and the line")
  void malformedClusterConfig() throws IOException {
    Path broken = Files.writeString(dataDir.resolve("broken-cluster.xml"), "<hazelcast><network>\n");
    try (ChildLanes lanes = ChildLanes.named("malformed-cluster-config").dataDir(dataDir)
      .jvm("-Dvertx.hazelcast.config=" + broken).args("-cluster", "-cluster-host", "127.0.0.1").start()) {
      assertFailsWithOneLine(lanes, VERTX_FAILED, "The cluster config " + broken
        + " (system property vertx.hazelcast.config) is not well-formed XML: line ");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("with nothing wrong: logs no WARN or ERROR up to its ready banner and a second after")
  void cleanStartLogsNoWarning() throws InterruptedException {
    try (ChildLanes lanes = ChildLanes.named("clean-start").dataDir(dataDir).start()) {
      lanes.awaitPort(EXITS_WITHIN);
      Thread.sleep(1000);
      List<String> warnings = lanes.lines().stream().filter(line -> line.matches("^\\S+ (WARN|ERROR) .*")).toList();
      assertEquals(List.of(), warnings, lanes.output());
    }
  }

  private static void assertFailsWithOneLine(ChildLanes lanes, int exitStatus, String reason) {
    int status = lanes.awaitExit(EXITS_WITHIN);
    List<String> lines = lanes.lines();
    assertEquals(exitStatus, status, lanes.output());
    List<String> naming = lines.stream().filter(line -> line.contains(reason)).toList();
    assertEquals(1, naming.size(), "expected one line with [" + reason + "]:\n" + lanes.output());
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "a stack trace was printed:\n" + lanes.output());
    assertTrue(lines.stream().noneMatch(line -> line.contains(" ready: ")), "it became ready:\n" + lanes.output());
  }
}
