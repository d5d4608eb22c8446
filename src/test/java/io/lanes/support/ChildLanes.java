package io.lanes.support;

import io.lanes.config.ConfigLoader;
import io.vertx.core.json.JsonObject;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lanes in a child JVM, started from the test class path as {@code scripts/run} starts the jar: the Vert.x
 * application launcher with {@link io.lanes.app.MainVerticle} as its first argument (there is no manifest naming
 * it), {@code -options conf/vertx-options.json}, {@code conf/logback.xml}, the project directory as working directory
 * (so {@code conf/config.json} is the base config) and a partial {@code -conf}. The Lanes environment variables of the
 * test JVM are not passed on; the child gets {@code HTTP_HOST=127.0.0.1}, {@code HTTP_PORT=0} and a data directory
 * unless told otherwise. Its stdout and stderr go, line by line, to {@code target/child-lanes/<name>-<pid>.log} and to
 * {@link #lines()}; the HTTP port is read from the start-up banner. Every wait is bounded. Close it
 * (try-with-resources, {@code @AfterEach}/{@code @AfterAll}): the process is killed; a JVM shutdown hook kills whatever
 * a crashed test left.
 */
public final class ChildLanes implements AutoCloseable {

  /** {@code MainVerticle.banner}: {@code Lanes node <id> ready: roles [...], http 127.0.0.1:<port> x<n>, ...}. */
  private static final Pattern BANNER = Pattern.compile("Lanes node (\\S+) ready: .*\\bhttp (\\S+):(\\d+) x\\d+");
  private static final String LAUNCHER = "io.vertx.launcher.application.VertxApplication";
  private static final String MAIN_VERTICLE = "io.lanes.app.MainVerticle";
  private static final Duration OUTPUT_DRAIN = Duration.ofSeconds(5);
  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "child-lanes-kill"));
  }

  private final String name;
  private final Process process;
  private final Path log;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Integer> port = new CompletableFuture<>();
  private final CompletableFuture<Void> outputEnded = new CompletableFuture<>();

  private ChildLanes(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  /** A child named {@code name} (its log file's prefix), to configure and {@link Builder#start()}. */
  public static Builder named(String name) {
    return new Builder(name);
  }

  /** The project directory: Maven runs tests there ({@code basedir}), and {@code conf/} is read from it. */
  public static Path projectDir() {
    return Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** The HTTP port from the start-up banner; fails if the child exits first or prints none within {@code within}. */
  public int awaitPort(Duration within) {
    try {
      return port.get(within.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("Lanes " + name + " printed no ready banner within " + within + "; see " + log);
    } catch (ExecutionException e) {
      throw new AssertionError(e.getCause().getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for Lanes " + name, e);
    }
  }

  /** {@code http://127.0.0.1:<port>} once the child is ready (see {@link #awaitPort}). */
  public String baseUri(Duration within) {
    return "http://127.0.0.1:" + awaitPort(within);
  }

  /** The exit status once the child has exited and all its output is read; fails if it runs past {@code within}. */
  public int awaitExit(Duration within) {
    try {
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("Lanes " + name + " still runs after " + within + "; see " + log);
      }
      outputEnded.get(OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
      return process.exitValue();
    } catch (TimeoutException | ExecutionException e) {
      throw new AssertionError("the output of Lanes " + name + " did not end after it exited; see " + log, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted waiting for Lanes " + name, e);
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  /** The lines the child printed so far (stdout and stderr, in the order read). */
  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** All output so far, for assertion messages. */
  public String output() {
    return String.join("\n", lines);
  }

  /** The file the output is copied to. */
  public Path log() {
    return log;
  }

  /** Kills the child (SIGKILL) and waits, bounded, for it and its output to end. */
  @Override
  public void close() {
    process.destroyForcibly();
    try {
      process.waitFor(10, TimeUnit.SECONDS);
      outputEnded.get(OUTPUT_DRAIN.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // the log file may miss its last lines; nothing is left running
    } finally {
      LIVE.remove(process);
    }
  }

  @Override
  public String toString() {
    return "Lanes " + name + " (pid " + process.pid() + ", log " + log + ")";
  }

  /** Copies the child's output to the log file and {@link #lines}, and finds the banner; runs on its own thread. */
  private void pump() {
    InputStreamReader output = new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8);
    try (BufferedReader reader = new BufferedReader(output);
         Writer file = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        file.write(line);
        file.write('\n');
        file.flush();
        lines.add(line);
        Matcher banner = BANNER.matcher(line);
        if (banner.find()) {
          port.complete(Integer.parseInt(banner.group(3)));
        }
      }
    } catch (IOException e) {
      lines.add("[ChildLanes] reading the output failed: " + e);
    } finally {
      // exited (or closed its output) without the banner: say so to whoever waits for the port
      process.onExit().thenAccept(exited -> port.completeExceptionally(new IllegalStateException("Lanes " + name
        + " exited with " + exited.exitValue() + " before it was ready; see " + log + "\n" + output())));
      outputEnded.complete(null);
    }
  }

  /** What to start: JVM options, environment variables, the {@code -conf} override. */
  public static final class Builder {

    private final String name;
    private final List<String> jvmOptions = new ArrayList<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> launcherArgs = new ArrayList<>();
    private JsonObject conf = new JsonObject();

    private Builder(String name) {
      this.name = name;
      environment.put("HTTP_HOST", "127.0.0.1");
      environment.put("HTTP_PORT", "0");
    }

    /** JVM options, e.g. {@code -Xmx64m}. */
    public Builder jvm(String... options) {
      jvmOptions.addAll(List.of(options));
      return this;
    }

    /** An environment variable of the child (e.g. {@code HTTP_PORT}, {@code DATA_DIR}). */
    public Builder env(String variable, String value) {
      environment.put(variable, value);
      return this;
    }

    /** More launcher options after {@code -conf}, e.g. {@code -cluster -cluster-host 127.0.0.1}. */
    public Builder args(String... args) {
      launcherArgs.addAll(List.of(args));
      return this;
    }

    public Builder dataDir(Path dataDir) {
      return env("DATA_DIR", dataDir.toString());
    }

    /** The launcher's {@code -conf}: a partial override deep-merged over {@code conf/config.json}. */
    public Builder conf(JsonObject partial) {
      conf = partial.copy();
      return this;
    }

    public ChildLanes start() {
      Path dir = projectDir();
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(jvmOptions);
      command.add("-Dlogback.configurationFile=conf/logback.xml");
      command.add("-cp");
      command.add(System.getProperty("java.class.path"));
      command.add(LAUNCHER);
      command.add(MAIN_VERTICLE);
      command.addAll(List.of("-options", "conf/vertx-options.json", "-conf", conf.encode()));
      command.addAll(launcherArgs);
      ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
      Map<String, String> env = builder.environment();
      ConfigLoader.ENVIRONMENT_KEYS.values().forEach(env::remove);
      env.remove(ConfigLoader.FILE_ENV);
      if (!environment.containsKey("DATA_DIR")) {
        environment.put("DATA_DIR", dir.resolve("target/child-lanes/" + name + "-data").toString());
      }
      env.putAll(environment);
      try {
        Path logs = Files.createDirectories(dir.resolve("target/child-lanes"));
        Process process = builder.start();
        LIVE.add(process);
        ChildLanes child = new ChildLanes(name, process, logs.resolve(name + "-" + process.pid() + ".log"));
        Thread pump = new Thread(child::pump, "child-lanes-" + name + "-output");
        pump.setDaemon(true);
        pump.start();
        return child;
      } catch (IOException e) {
        throw new UncheckedIOException("could not start Lanes " + name + ": " + String.join(" ", command), e);
      }
    }
  }
}
