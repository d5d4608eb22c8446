package io.lanes.app;

import io.lanes.cluster.ClusterView;
import io.lanes.compute.ComputeJobs;
import io.lanes.compute.ComputeSender;
import io.lanes.compute.JobStore;
import io.lanes.config.LanesConfig;
import io.lanes.dashboard.Dashboard;
import io.lanes.files.ChunkedFileWriter;
import io.lanes.files.LogAppender;
import io.lanes.files.WriteModes;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.ops.Observability;
import io.lanes.schedule.ScheduleBoard;
import io.lanes.tasks.TaskRunner;
import io.vertx.ext.healthchecks.HealthChecks;

/**
 * What the composition root ({@link MainVerticle}) built for one node from its config: the lanes, their executors and
 * the services on them. MainVerticle hands each verticle and route class only the parts it uses; this whole is never
 * passed on (the banner and the tests read it).
 */
public record Services(
  String id,
  LanesConfig config,
  Readiness readiness,
  BackgroundWork background,
  Lanes lanes,
  BlockingLane blocking,
  Observability ops,
  HealthChecks health,
  ChunkedFileWriter fileWriter,
  WriteModes writes,
  LogAppender log,
  TaskRunner tasks,
  ComputeJobs jobTypes,
  ComputeSender compute,
  JobStore jobs,
  ScheduleBoard schedules,
  ClusterView cluster,
  Dashboard dashboard) {
}
