package io.lanes.app;

import io.lanes.support.ChildLanes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Start-up with an invalid config value, in a child JVM ({@link ChildLanes}): the launcher's "deployment failed" exit
 * status 15, the one line that names the key (what an operator reads), no stack trace, no ready banner.
 */
@DisplayName("Lanes started with an invalid config value")
class StartupFailureTest {

  /** The launcher's exit status when the main verticle fails to deploy. */
  private static final int DEPLOYMENT_FAILED = 15;
  private static final Duration EXITS_WITHIN = Duration.ofSeconds(30);

  @TempDir
  Path dataDir;

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("set by an environment variable: exits 15 with one line naming the key and the variable, no stack trace")
  void badEnvironmentValue() {
    try (ChildLanes lanes = ChildLanes.named("bad-http-port").dataDir(dataDir).env("HTTP_PORT", "notaport").start()) {
      assertFailsWithOneLine(lanes, "Invalid configuration: http.port must be an integer in 0..65535, got \"notaport\""
        + " (set by environment variable HTTP_PORT)");
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("set by the launcher's -conf: exits 15 with one line naming the key, no stack trace")
  void badConfValue() {
    JsonObject conf = new JsonObject().put("files", new JsonObject().put("chunkBytes", 0));
    try (ChildLanes lanes = ChildLanes.named("bad-chunk-bytes").dataDir(dataDir).conf(conf).start()) {
      assertFailsWithOneLine(lanes, "Invalid configuration: files.chunkBytes must be an integer in 512..67108864, got 0");
    }
  }

  private static void assertFailsWithOneLine(ChildLanes lanes, String reason) {
    int status = lanes.awaitExit(EXITS_WITHIN);
    List<String> lines = lanes.lines();
    assertEquals(DEPLOYMENT_FAILED, status, lanes.output());
    List<String> naming = lines.stream().filter(line -> line.contains(reason)).toList();
    assertEquals(1, naming.size(), "expected one line with [" + reason + "]:\n" + lanes.output());
    assertTrue(lines.stream().noneMatch(line -> line.startsWith("\tat ")), "a stack trace was printed:\n" + lanes.output());
    assertTrue(lines.stream().noneMatch(line -> line.contains(" ready: ")), "it became ready:\n" + lanes.output());
  }
}
