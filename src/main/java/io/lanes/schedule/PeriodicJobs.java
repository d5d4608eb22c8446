package io.lanes.schedule;

import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The jobs a {@code schedules} entry may name, by name. */
public final class PeriodicJobs {

  private PeriodicJobs() {
  }

  /** {@code heartbeat} (how full the lanes are) and {@code scratch-sweeper} (stale temp files under the data dir). */
  public static Map<String, PeriodicJob> standard(String nodeId, Lanes lanes, BackgroundWork background, Path dataDir,
                                                  long staleTempMs) {
    Map<String, PeriodicJob> jobs = new LinkedHashMap<>();
    jobs.put(HeartbeatJob.NAME, new HeartbeatJob(nodeId, lanes, background));
    jobs.put(ScratchSweeper.NAME, new ScratchSweeper(dataDir, staleTempMs));
    return jobs;
  }
}
