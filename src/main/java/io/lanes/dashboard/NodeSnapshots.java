package io.lanes.dashboard;

import io.lanes.compute.ComputeRun;
import io.lanes.compute.ComputeSender;
import io.lanes.compute.JobStore;
import io.lanes.config.LanesConfig;
import io.lanes.config.Role;
import io.lanes.files.LogAppender;
import io.lanes.lane.Lane;
import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.lifecycle.Readiness;
import io.lanes.ops.LoopReading;
import io.lanes.ops.Observability;
import io.lanes.schedule.ScheduleBoard;
import io.lanes.tasks.TaskRunner;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Builds this node's dashboard snapshot from the figures the node already keeps: the lag probes and blocked-thread
 * counter of {@link Observability}, each {@link Lane}'s counters, the log appender's queue, the request histograms of
 * {@link RouteTraffic}, the task and job counts, the last compute runs and the schedule board. Nothing is scraped or
 * parsed; rates per second are the difference from the previous snapshot, and the sparklines' last
 * {@value Series#POINTS} points are kept here. Called by one thread only (the {@link DashboardVerticle}'s timer).
 */
public final class NodeSnapshots {

  /** Route groups listed, busiest first. */
  static final int MAX_ROUTE_GROUPS = 24;
  private static final String[] JOB_STATES = {JobStore.DONE, JobStore.FAILED, JobStore.TIMED_OUT};

  private final String nodeId;
  private final LanesConfig config;
  private final Readiness readiness;
  private final Lanes lanes;
  private final Observability ops;
  private final LogAppender log;
  private final BackgroundWork background;
  private final RouteTraffic traffic;
  private final TaskRunner tasks;
  private final JobStore jobs;
  private final ComputeSender compute;
  private final ScheduleBoard schedules;

  private final Map<String, Series> lagSeries = new HashMap<>();
  private final Map<String, Series> inFlightSeries = new HashMap<>();
  private final Map<String, long[]> previousLaneCounts = new HashMap<>();
  private Map<String, long[]> previousRoutes = Map.of();
  private long previousNanos;

  public NodeSnapshots(String nodeId, LanesConfig config, Readiness readiness, Lanes lanes, Observability ops,
                       LogAppender log, BackgroundWork background, RouteTraffic traffic, TaskRunner tasks,
                       JobStore jobs, ComputeSender compute, ScheduleBoard schedules) {
    this.nodeId = nodeId;
    this.config = config;
    this.readiness = readiness;
    this.lanes = lanes;
    this.ops = ops;
    this.log = log;
    this.background = background;
    this.traffic = traffic;
    this.tasks = tasks;
    this.jobs = jobs;
    this.compute = compute;
    this.schedules = schedules;
  }

  public String nodeId() {
    return nodeId;
  }

  /** The next snapshot: the figures now, the rates since the previous one. */
  public JsonObject next() {
    long now = System.nanoTime();
    double seconds = previousNanos == 0 ? 0 : (now - previousNanos) / 1e9;
    previousNanos = now;
    return new JsonObject()
      .put("id", nodeId)
      .put("at", System.currentTimeMillis())
      .put("roles", new JsonArray(config.roles().stream().map(Role::id).sorted().toList()))
      .put("computeInstances", config.has(Role.COMPUTE) ? config.compute().instances() : 0)
      .put("readiness", readiness(readiness.state()))
      .put("loops", loops())
      .put("blockedThreadEvents", ops.blockedThreadEvents())
      .put("lanes", lanes(seconds))
      .put("log", new JsonObject()
        .put("queuedBytes", log.queuedBytes())
        .put("maxQueuedBytes", config.files().logQueueBytes())
        .put("failing", log.failing()))
      .put("backgroundPending", background.pending())
      .put("routes", routes(seconds))
      .put("tasks", new JsonObject()
        .put("queued", tasks.queued())
        .put("running", tasks.running())
        .put("done", tasks.done())
        .put("failed", tasks.failed()))
      .put("jobs", jobs())
      .put("recentJobs", new JsonArray(compute.recentRuns().stream().map(ComputeRun::toJson).toList()))
      .put("schedules", schedules.toJson());
  }

  static String readiness(Readiness.State state) {
    return switch (state) {
      case STARTING -> "starting";
      case READY -> "up";
      case DRAINING -> "draining";
    };
  }

  private JsonArray loops() {
    JsonArray loops = new JsonArray();
    for (LoopReading loop : ops.loopReadings()) {
      double lagMs = loop.lagNanos() / 1e6;
      Series series = lagSeries.computeIfAbsent(loop.loop(), name -> new Series());
      series.add(lagMs);
      loops.add(new JsonObject()
        .put("name", loop.loop())
        .put("lagMs", round(lagMs, 1))
        .put("blocked", loop.blockedEvents())
        .put("lagSeries", series.toJson(1)));
    }
    return loops;
  }

  private JsonArray lanes(double seconds) {
    JsonArray all = new JsonArray();
    for (Lane lane : lanes.all()) {
      int inFlight = lane.inFlight();
      long admitted = lane.admitted();
      long rejected = lane.rejected();
      long expectedWaitMs = lane.expectedWaitMs();
      double drain = lane.drainPerSecond();
      long[] before = previousLaneCounts.put(lane.name(), new long[] {admitted, rejected});
      Series series = inFlightSeries.computeIfAbsent(lane.name(), name -> new Series());
      series.add(inFlight);
      all.add(new JsonObject()
        .put("name", lane.name())
        .put("inFlight", inFlight)
        .put("maxWaitMs", lane.maxWaitMs())
        .put("expectedWaitMs", expectedWaitMs < 0 ? null : expectedWaitMs)
        .put("drainPerSecond", Double.isNaN(drain) ? null : round(drain, 1))
        .put("refusingForMs", TimeUnit.NANOSECONDS.toMillis(lane.overBudgetForNanos()))
        .put("admitted", admitted)
        .put("rejected", rejected)
        .put("admittedPerSecond", rate(before == null ? admitted : admitted - before[0], seconds))
        .put("rejectedPerSecond", rate(before == null ? rejected : rejected - before[1], seconds))
        .put("inFlightSeries", series.toJson(0)));
    }
    return all;
  }

  private JsonArray routes(double seconds) {
    if (traffic == null) {
      return new JsonArray();
    }
    Map<String, long[]> totals = traffic.totals();
    List<JsonObject> groups = new ArrayList<>();
    totals.forEach((group, buckets) -> {
      long[] before = previousRoutes.get(group);
      long[] interval = new long[RouteTraffic.BUCKETS];
      long count = 0;
      long total = 0;
      for (int i = 0; i < RouteTraffic.BUCKETS; i++) {
        interval[i] = buckets[i] - (before == null ? 0 : before[i]);
        count += interval[i];
        total += buckets[i];
      }
      groups.add(new JsonObject()
        .put("group", group)
        .put("perSecond", rate(count, seconds))
        .put("p99Ms", count == 0 ? null : round(percentileMs(interval, count, 0.99), 2))
        .put("total", total));
    });
    previousRoutes = totals;
    groups.sort(Comparator.<JsonObject>comparingDouble(group -> group.getDouble("perSecond")).reversed()
      .thenComparing(group -> group.getString("group")));
    return new JsonArray(groups.subList(0, Math.min(MAX_ROUTE_GROUPS, groups.size())));
  }

  private JsonObject jobs() {
    JsonObject counts = new JsonObject()
      .put("queued", jobs.activeJobs(JobStore.QUEUED))
      .put("running", jobs.activeJobs(JobStore.RUNNING));
    for (String state : JOB_STATES) {
      counts.put(state, jobs.finishedJobs(state));
    }
    return counts;
  }

  /** The upper bound of the bucket holding the {@code quantile} of {@code count} requests. */
  static double percentileMs(long[] buckets, long count, double quantile) {
    long rank = (long) Math.ceil(quantile * count);
    long seen = 0;
    for (int i = 0; i < buckets.length; i++) {
      seen += buckets[i];
      if (seen >= rank) {
        return RouteTraffic.upperBoundMs(i);
      }
    }
    return RouteTraffic.upperBoundMs(buckets.length - 1);
  }

  private static double rate(long delta, double seconds) {
    return seconds <= 0 ? 0 : round(delta / seconds, 1);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
