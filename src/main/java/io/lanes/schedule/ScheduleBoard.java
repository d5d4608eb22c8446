package io.lanes.schedule;

import io.vertx.core.json.JsonArray;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The periodic jobs of one node and their {@link JobStats}, in config order: filled by the {@link SchedulerVerticle}, read
 * by {@code GET /schedules}. Lives in the node so that verticles that never meet can share it. Empty on a node without
 * the {@code scheduler} role.
 */
public final class ScheduleBoard {

  private final Map<String, JobStats> jobs = new LinkedHashMap<>();

  synchronized JobStats register(String name, long intervalMs, boolean enabled, String owner) {
    JobStats stats = new JobStats(name, intervalMs, enabled, owner);
    jobs.put(name, stats);
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
