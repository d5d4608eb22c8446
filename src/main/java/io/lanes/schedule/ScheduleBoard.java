package io.lanes.schedule;

import io.vertx.core.json.JsonArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The periodic jobs of one node and their {@link JobStats}, in config order: filled by the {@link SchedulerVerticle}, read
 * by {@code GET /schedules}. Built by the composition root so that verticles that never meet can share it. Empty on a node without
 * the {@code scheduler} role.
 */
public final class ScheduleBoard {

  private final Map<String, JobStats> jobs = new LinkedHashMap<>();
  private final Consumer<JobStats> onRegistered;

  /** {@code onRegistered} sees each job's stats once, when the scheduler registers it (to bind its meters). */
  public ScheduleBoard(Consumer<JobStats> onRegistered) {
    this.onRegistered = onRegistered;
  }

  public ScheduleBoard() {
    this(stats -> { });
  }

  JobStats register(String name, long intervalMs, boolean enabled, String owner) {
    JobStats stats = new JobStats(name, intervalMs, enabled, owner);
    synchronized (this) {
      jobs.put(name, stats);
    }
    onRegistered.accept(stats);
    return stats;
  }

  public synchronized Optional<JobStats> job(String name) {
    return Optional.ofNullable(jobs.get(name));
  }

  public synchronized JsonArray toJson() {
    JsonArray all = new JsonArray();
    jobs.values().forEach(stats -> all.add(stats.toJson()));
    return all;
  }
}
