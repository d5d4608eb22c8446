package io.lanes.lane;

import io.lanes.config.LanesConfig;

import java.util.List;
import java.util.function.IntSupplier;

/**
 * Every lane of a node, built in this one place from the config: {@code blocking} (the blocking pool), {@code files}
 * (worker and async writes), {@code tasks} (background tasks) and {@code compute} (jobs this node sent and has not had
 * answered). Each admits work while it would start within the lane's {@code maxWaitMs} (see {@link Lane}).
 */
public record Lanes(Lane blocking, Lane files, Lane tasks, Lane compute) {

  public static final String BLOCKING = "blocking";
  public static final String FILES = "files";
  public static final String TASKS = "tasks";
  public static final String COMPUTE = "compute";

  /**
   * {@code computeServers} is how many compute verticles take this node's jobs (all of them, cluster-wide, read at
   * each decision); {@code waits} records how long items waited to start.
   */
  public static Lanes from(LanesConfig config, IntSupplier computeServers, Lane.WaitRecorder waits) {
    long retryAfterMs = config.http().retryAfterSeconds() * 1000L;
    LanesConfig.Blocking blocking = config.blocking();
    LanesConfig.Files files = config.files();
    LanesConfig.Tasks tasks = config.tasks();
    LanesConfig.Compute compute = config.compute();
    return new Lanes(
      new Lane(BLOCKING, blocking::poolSize, blocking.maxWaitMs(), blocking.queueLimit(), retryAfterMs, waits),
      new Lane(FILES, files::writerInstances, files.maxWaitMs(), files.queueLimit(), retryAfterMs, waits),
      new Lane(TASKS, tasks::maxRunning, tasks.maxWaitMs(), tasks.maxQueued(), retryAfterMs, waits),
      new Lane(COMPUTE, computeServers, compute.maxWaitMs(), compute.queueLimit(), retryAfterMs, waits));
  }

  /** The lanes of {@code config} alone (compute served by this node's own instances), waits not recorded. */
  public static Lanes from(LanesConfig config) {
    return from(config, () -> config.compute().instances(), Lane.WaitRecorder.NONE);
  }

  /** In the order meters, health and the heartbeat list them. */
  public List<Lane> all() {
    return List.of(blocking, files, tasks, compute);
  }
}
