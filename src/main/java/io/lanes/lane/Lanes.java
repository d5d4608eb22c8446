package io.lanes.lane;

import io.lanes.config.LanesConfig;

import java.util.List;

/**
 * Every lane of a node, built in this one place from the config: {@code blocking} (the blocking pool), {@code files}
 * (worker and async writes), {@code tasks} (background tasks) and {@code compute} (jobs this node sent and has not had
 * answered). Each refuses past its bound with {@link LaneFullException}.
 */
public record Lanes(Lane blocking, Lane files, Lane tasks, Lane compute) {

  public static final String BLOCKING = "blocking";
  public static final String FILES = "files";
  public static final String TASKS = "tasks";
  public static final String COMPUTE = "compute";

  public static Lanes from(LanesConfig config) {
    int retryAfter = config.http().retryAfterSeconds();
    return new Lanes(
      new Lane(BLOCKING, config.blocking().capacity(), retryAfter),
      new Lane(FILES, config.files().capacity(), retryAfter),
      new Lane(TASKS, config.tasks().maxRunning() + config.tasks().maxQueued(), retryAfter),
      new Lane(COMPUTE, config.compute().queueLimit(), retryAfter));
  }

  /** In the order meters, health and the heartbeat list them. */
  public List<Lane> all() {
    return List.of(blocking, files, tasks, compute);
  }
}
