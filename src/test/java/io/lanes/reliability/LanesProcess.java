package io.lanes.reliability;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One real Lanes process started with {@code scripts/run} (a scratch data dir, a fixed loopback port, a partial
 * {@code -conf}); its output goes to a log file. Every process started is killed when the driver exits.
 */
final class LanesProcess {

  private static final List<Process> STARTED = new CopyOnWriteArrayList<>();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> STARTED.forEach(Process::destroyForcibly)));
  }

  final Path root;
  final Path dataDir;
  final Path log;
  final int port;
  final Process process;
  final String base;

  private LanesProcess(Path root, Path dataDir, Path log, int port, Process process) {
    this.root = root;
    this.dataDir = dataDir;
    this.log = log;
    this.port = port;
    this.process = process;
    this.base = "http://127.0.0.1:" + port;
  }

  /** Starts Lanes and waits until {@code /ready} answers 200 (at most 90 s). */
  static LanesProcess start(Path root, Path scratch, int port, String conf, boolean cleanDataDir) throws Exception {
    Path dataDir = scratch.resolve("data");
    if (cleanDataDir) {
      deleteTree(dataDir);
    }
    Files.createDirectories(scratch);
    Path log = scratch.resolve("lanes-" + System.currentTimeMillis() + ".log");
    List<String> command = new ArrayList<>(List.of(root.resolve("scripts/run").toString(), "-conf", conf));
    ProcessBuilder builder = new ProcessBuilder(command)
      .directory(root.toFile())
      .redirectErrorStream(true)
      .redirectOutput(log.toFile());
    builder.environment().put("HTTP_PORT", Integer.toString(port));
    builder.environment().put("HTTP_HOST", "127.0.0.1");
    builder.environment().put("DATA_DIR", dataDir.toString());
    builder.environment().putIfAbsent("JAVA_OPTS", "-Xmx256m");
    Process process = builder.start();
    STARTED.add(process);
    LanesProcess lanes = new LanesProcess(root, dataDir, log, port, process);
    lanes.awaitReady();
    return lanes;
  }

  private void awaitReady() throws Exception {
    boolean ready = Poll.until(() -> {
      if (!process.isAlive()) {
        throw new IllegalStateException("Lanes exited with " + process.exitValue() + " before it was ready; see " + log);
      }
      return Http.probe(base + "/ready") == 200;
    }, 90_000, 100);
    if (ready) {
      return;
    }
    throw new IllegalStateException("Lanes was not ready within 90 s; see " + log);
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM. */
  void term() {
    process.destroy();
  }

  /** SIGKILL, and waits for the process to be gone. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /** Stops it with SIGTERM (SIGKILL after 60 s); returns the exit status. */
  int stop() throws InterruptedException {
    if (!process.isAlive()) {
      return process.exitValue();
    }
    term();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
    return process.exitValue();
  }

  String logText() throws IOException {
    return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
  }

  /** Peak resident set size (VmHWM) in MiB, or -1 when it cannot be read. */
  long peakRssMib() {
    return statusField("VmHWM") / 1024;
  }

  private long statusField(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
        if (line.startsWith(name + ":")) {
          return Long.parseLong(line.replaceAll("[^0-9]", ""));
        }
      }
    } catch (IOException | RuntimeException e) {
      return -1;
    }
    return -1;
  }

  /** Open sockets of the process (file descriptors pointing at a socket). */
  int openSockets() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid() + "/fd"))) {
      return (int) fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith("socket:");
        } catch (IOException e) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      return -1;
    }
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir) && !Files.isSymbolicLink(dir)) {
      return;
    }
    if (!Files.isDirectory(dir)) {
      Files.delete(dir);
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      List<Path> paths = walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList();
      for (Path p : paths) {
        Files.deleteIfExists(p);
      }
    }
  }
}
