package io.lanes.app;

import io.lanes.config.ConfigLoader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code vertx run} forms against real processes, once each, after {@code package} (they use
 * {@code target/lanes.jar}): {@code java -cp target/lanes.jar io.vertx.core.Launcher run io.lanes.app.MainVerticle},
 * its refusal of {@code -instances}, and {@code scripts/vertx run}, {@code start}, {@code list} and {@code stop} (the
 * drain of a request in flight included).
 */
@DisplayName("The vertx run forms")
class VertxLauncherFormsIT {

  private static final Pattern BANNER = Pattern.compile("Lanes node (\\S+) ready: .*\\bhttp \\S+:(\\d+) x\\d+");
  private static final Duration WITHIN = Duration.ofSeconds(60);
  private static final String CONF = "{\"http\":{\"port\":0,\"instances\":1},\"compute\":{\"instances\":1},"
    + "\"shutdown\":{\"graceMs\":10000}}";

  @TempDir
  Path dataDir;

  private final List<Proc> started = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
    .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void killWhatIsLeft() {
    started.forEach(Proc::kill);
  }

  private static Path projectDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  private static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  private Proc start(String name, List<String> command) {
    Proc proc = Proc.start(name, command, dataDir.resolve(name));
    started.add(proc);
    return proc;
  }

  private HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
      .timeout(Duration.ofSeconds(20)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("java -cp target/lanes.jar io.vertx.core.Launcher run io.lanes.app.MainVerticle -conf ... serves, and stops on SIGTERM")
  void launcherRun() throws Exception {
    Proc lanes = start("launcher-run", List.of(java(), "-Dlogback.configurationFile=conf/logback.xml", "-cp",
      "target/lanes.jar", "io.vertx.core.Launcher", "run", "io.lanes.app.MainVerticle", "-conf", CONF));
    int port = lanes.awaitPort(WITHIN);
    assertEquals(200, get(port, "/hello").statusCode());
    lanes.terminate();
    assertNotEquals(-1, lanes.awaitExit(WITHIN), lanes.output());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("io.vertx.core.Launcher run ... -instances 2 is refused in one line naming the per-lane counts")
  void launcherRunRefusesInstances() {
    Proc lanes = start("launcher-instances", List.of(java(), "-Dlogback.configurationFile=conf/logback.xml", "-cp",
      "target/lanes.jar", "io.vertx.core.Launcher", "run", "io.lanes.app.MainVerticle", "-conf", CONF,
      "-instances", "2"));
    int status = lanes.awaitExit(WITHIN);
    assertEquals(15, status, "io.vertx.core.Launcher alone exits 0 after a failed deployment:\n" + lanes.output());
    String reason = "Run one MainVerticle per JVM (got -instances 2)";
    assertTrue(lanes.lines().stream().anyMatch(line -> line.contains(reason)), lanes.output());
    assertTrue(lanes.lines().stream().noneMatch(line -> line.startsWith("\tat ")), "a stack trace:\n" + lanes.output());
    assertTrue(lanes.lines().stream().noneMatch(line -> line.contains(" ready: ")), lanes.output());
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  @DisplayName("scripts/vertx run serves like scripts/run, Vert.x metrics included, and stops on SIGTERM")
  void wrapperRun() throws Exception {
    Proc lanes = start("vertx-run", List.of("scripts/vertx", "run", "-conf", CONF));
    int port = lanes.awaitPort(WITHIN);
    assertEquals(200, get(port, "/hello").statusCode());
    assertTrue(get(port, "/metrics").body().contains("vertx_http_server_requests_total"),
      "no Vert.x meters: conf/vertx-options.json was not applied");
    lanes.terminate();
    lanes.awaitExit(WITHIN);
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  @DisplayName("scripts/vertx start runs it in the background under an id, list names it, stop drains it and waits")
  void wrapperStartListStop() throws Exception {
    String id = "lanes-it-" + UUID.randomUUID().toString().substring(0, 8);
    Proc start = start("vertx-start", List.of("scripts/vertx", "start", "-id", id, "-conf", CONF));
    assertEquals(0, start.awaitExit(WITHIN), start.output());
    assertTrue(start.lines().contains(id), "start did not print the id: " + start.output());
    Path log = projectDir().resolve("run/vertx/" + id + ".log");
    int port = portFromLog(log, WITHIN);
    try {
      Proc list = start("vertx-list", List.of("scripts/vertx", "list"));
      assertEquals(0, list.awaitExit(WITHIN), list.output());
      assertTrue(list.lines().stream().anyMatch(line -> line.startsWith(id + "\t") && line.contains("MainVerticle")),
        list.output());
      // a request in flight when stop comes is answered: SIGTERM drains
      CompletableFuture<HttpResponse<String>> inFlight = http.sendAsync(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/sync?seconds=2")).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
      Thread.sleep(500);
      Proc stop = start("vertx-stop", List.of("scripts/vertx", "stop", id));
      assertEquals(0, stop.awaitExit(WITHIN), stop.output());
      assertEquals(200, inFlight.get(30, TimeUnit.SECONDS).statusCode(), "the request in flight was cut");
      assertTrue(stop.output().contains(id + " exited"), stop.output());
      Proc after = start("vertx-list-after", List.of("scripts/vertx", "list"));
      after.awaitExit(WITHIN);
      assertFalse(after.output().contains(id), "still listed after stop: " + after.output());
    } finally {
      start("vertx-stop-cleanup", List.of("pkill", "-KILL", "-f", "--", "-Dvertx.id=" + id + "$")).awaitExit(WITHIN);
    }
  }

  private static int portFromLog(Path log, Duration within) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher banner = BANNER.matcher(Files.readString(log));
        if (banner.find()) {
          return Integer.parseInt(banner.group(2));
        }
      }
      Thread.sleep(100);
    }
    throw new AssertionError("no ready banner in " + log + " within " + within);
  }

  /** A process from the project directory, its Lanes environment cleared, its output kept (and in a log file). */
  private static final class Proc {
    private final String name;
    private final Process process;
    private final List<String> lines = new CopyOnWriteArrayList<>();
    private final CompletableFuture<Integer> port = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();

    private Proc(String name, Process process) {
      this.name = name;
      this.process = process;
    }

    static Proc start(String name, List<String> command, Path dataDir) {
      ProcessBuilder builder = new ProcessBuilder(command).directory(projectDir().toFile()).redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      ConfigLoader.ENVIRONMENT_KEYS.values().forEach(env::remove);
      env.remove(ConfigLoader.FILE_ENV);
      env.remove("JAVA_OPTS");
      env.put("HTTP_HOST", "127.0.0.1");
      env.put("HTTP_PORT", "0");
      env.put("DATA_DIR", dataDir.toString());
      try {
        Path logs = Files.createDirectories(projectDir().resolve("target/vertx-forms"));
        Proc proc = new Proc(name, builder.start());
        Thread pump = new Thread(() -> proc.pump(logs.resolve(name + ".log")), "vertx-forms-" + name);
        pump.setDaemon(true);
        pump.start();
        return proc;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start " + command, e);
      }
    }

    private void pump(Path log) {
      try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8)); var file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
          file.write(line);
          file.write('\n');
          file.flush();
          lines.add(line);
          Matcher banner = BANNER.matcher(line);
          if (banner.find()) {
            port.complete(Integer.parseInt(banner.group(2)));
          }
        }
      } catch (IOException e) {
        lines.add("[reading the output failed: " + e + "]");
      } finally {
        port.completeExceptionally(new AssertionError(name + " ended without a ready banner:\n" + output()));
        ended.complete(null);
      }
    }

    int awaitPort(Duration within) {
      try {
        return port.get(within.toMillis(), TimeUnit.MILLISECONDS);
      } catch (Exception e) {
        throw new AssertionError(name + " printed no ready banner within " + within + ":\n" + output(), e);
      }
    }

    int awaitExit(Duration within) {
      try {
        if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
          throw new AssertionError(name + " still runs after " + within + ":\n" + output());
        }
        ended.get(5, TimeUnit.SECONDS);
        return process.exitValue();
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        throw new AssertionError(name + ": " + e, e);
      }
    }

    /** SIGTERM. */
    void terminate() {
      process.destroy();
    }

    void kill() {
      process.destroyForcibly();
    }

    List<String> lines() {
      return List.copyOf(lines);
    }

    String output() {
      return String.join("\n", lines);
    }
  }
}
