package io.lanes.app;

import io.lanes.support.ChildLanes;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Writes stream in chunks, so memory stays O(chunk) whatever the size: Lanes in a child JVM with a 64 MiB heap
 * ({@link ChildLanes}) writes 512 MiB in each mode that is allowed, alone, and five at once across the modes (2.5 GiB
 * in flight), with {@code files.maxBytes} at its default of 1 GiB.
 */
@DisplayName("Lanes with a 64 MiB heap")
class MemoryBoundTest {

  private static final Logger LOG = LoggerFactory.getLogger(MemoryBoundTest.class);
  private static final long HALF_GIB = 512L * 1024 * 1024;
  private static final List<String> MODES = List.of("worker", "blocking", "async");
  private static final int CONCURRENT = 5;
  private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(60);

  @TempDir
  static Path dataDir;

  private static ChildLanes lanes;
  private static String base;

  /** Kept in a field for the whole test, HTTP/1.1 (one connection per concurrent write). */
  private final HttpClient client = HttpClient.newBuilder()
    .version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5))
    .build();

  @BeforeAll
  static void startLanes() {
    JsonObject conf = new JsonObject().put("files", new JsonObject().put("maxBytes", 1_073_741_824L));
    // out of heap anywhere is the failure this test looks for: the child exits at once instead of hanging requests
    lanes = ChildLanes.named("memory-bound").jvm("-Xmx64m", "-XX:+ExitOnOutOfMemoryError").dataDir(dataDir).conf(conf)
      .start();
    base = lanes.baseUri(Duration.ofSeconds(60));
  }

  @AfterAll
  static void stopLanes() {
    if (lanes != null) {
      lanes.close();
    }
  }

  /** Whatever a test did, the child is still up and never ran out of heap. */
  @AfterEach
  void stillUp() {
    assertTrue(lanes.isAlive(), "Lanes exited:\n" + lanes.output());
    assertTrue(lanes.lines().stream().noneMatch(line -> line.contains("OutOfMemoryError")), lanes.output());
  }

  @ParameterizedTest(name = "mode={0}")
  @ValueSource(strings = {"worker", "blocking", "async"})
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("writes 512 MiB")
  void writesHalfAGibibyte(String mode) {
    long started = System.nanoTime();
    assertWritten(mode, write(mode).join());
    LOG.info("512 MiB in mode {}: {} ms", mode, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("writes 512 MiB five times at once, in the three modes")
  void writesFiveAtOnce() {
    long started = System.nanoTime();
    List<String> modes = IntStream.range(0, CONCURRENT).mapToObj(i -> MODES.get(i % MODES.size())).toList();
    List<CompletableFuture<HttpResponse<String>>> writes = modes.stream().map(this::write).toList();
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).join();
    for (int i = 0; i < CONCURRENT; i++) {
      assertWritten(modes.get(i), writes.get(i).join());
    }
    LOG.info("{} x 512 MiB at once ({}): {} ms", CONCURRENT, modes,
      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private CompletableFuture<HttpResponse<String>> write(String mode) {
    HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/write?bytes=" + HALF_GIB + "&mode=" + mode))
      .timeout(WRITE_TIMEOUT)
      .GET()
      .build();
    return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  private static void assertWritten(String mode, HttpResponse<String> response) {
    assertEquals(200, response.statusCode(), response.body());
    JsonObject body = new JsonObject(response.body());
    assertEquals(HALF_GIB, body.getLong("bytes"), body.encode());
    assertEquals(mode, body.getString("mode"), body.encode());
  }
}
