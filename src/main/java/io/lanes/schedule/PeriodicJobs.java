package io.lanes.schedule;

import io.lanes.app.Node;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The jobs a {@code schedules} entry may name, by name. */
final class PeriodicJobs {

  private PeriodicJobs() {
  }

  static Map<String, PeriodicJob> of(Node node) {
    Map<String, PeriodicJob> jobs = new LinkedHashMap<>();
    jobs.put(HeartbeatJob.NAME, new HeartbeatJob(node));
    jobs.put(ScratchSweeper.NAME, new ScratchSweeper(Path.of(node.config().files().dataDir()),
      node.config().files().staleTempMs()));
    return jobs;
  }
}
