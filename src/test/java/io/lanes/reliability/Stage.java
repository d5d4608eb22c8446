package io.lanes.reliability;

import io.vertx.core.Vertx;

import java.nio.file.Path;

/**
 * What one scenario runs with: the repository, the run's out dir and its own scratch dir, the loopback port, the scale
 * ({@code fast}), the seed, the driver's Vert.x, and the {@link Http.Tally} every client it makes reports to.
 */
final class Stage {

  final Path root;
  final Path out;
  final Path scratch;
  final int port;
  final boolean fast;
  final long seed;
  final Vertx vertx;
  final Http.Tally tally = new Http.Tally();
  private final int defaultIdleSeconds;

  Stage(Path root, Path out, Path scratch, int port, boolean fast, long seed, Vertx vertx, int defaultIdleSeconds) {
    this.root = root;
    this.out = out;
    this.scratch = scratch;
    this.port = port;
    this.fast = fast;
    this.seed = seed;
    this.vertx = vertx;
    this.defaultIdleSeconds = defaultIdleSeconds;
  }

  /** A client for a node with the default {@code http.idleTimeoutSeconds} (conf/config.json's). */
  Http http(int maxConnections) {
    return http(maxConnections, defaultIdleSeconds);
  }

  /** A client for a node whose {@code http.idleTimeoutSeconds} is {@code serverIdleSeconds}. */
  Http http(int maxConnections, int serverIdleSeconds) {
    return new Http(vertx, port, maxConnections, serverIdleSeconds, tally);
  }

  /** Starts Lanes with the partial config {@code conf} on the stage's port and scratch dir, and waits until it is ready. */
  LanesProcess start(String conf, boolean cleanDataDir) throws Exception {
    return LanesProcess.start(root, scratch, port, conf, cleanDataDir);
  }
}
