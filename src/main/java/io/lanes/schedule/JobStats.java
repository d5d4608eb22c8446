package io.lanes.schedule;

import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * What one periodic job has done on this node: runs, runs skipped because the previous one was still going, failures,
 * the last run's times and error, and whether claiming periods is paused (a side of a cluster partition that cannot
 * prove it is the majority). Written by the scheduler, read by {@code GET /schedules} from any event loop.
 */
public final class JobStats {

  private final String name;
  private final long intervalMs;
  private final boolean enabled;
  private final String self;
  /** The node that ran the last run: this one, or the one a cluster lock named. */
  private String owner;
  private long runs;
  private long skipped;
  private long failures;
  private boolean running;
  private Instant lastStartedAt;
  private Instant lastFinishedAt;
  private String lastError;
  /** Why this side of the cluster claims no period now (split-brain protection), or null while it may. */
  private String paused;

  JobStats(String name, long intervalMs, boolean enabled, String self) {
    this.name = name;
    this.intervalMs = intervalMs;
    this.enabled = enabled;
    this.self = self;
    this.owner = self;
  }

  synchronized void started(Instant at) {
    runs++;
    owner = self;
    running = true;
    lastStartedAt = at;
  }

  /** The run that started last ended; {@code error} null when it succeeded (clearing the last error). */
  synchronized void finished(Instant at, String error) {
    running = false;
    lastFinishedAt = at;
    lastError = error;
    if (error != null) {
      failures++;
    }
  }

  /** Another node ran this period (a cluster lock said so). */
  synchronized void ranOn(String node) {
    owner = node;
  }

  synchronized void skipped() {
    skipped++;
  }

  /** No period may be claimed for {@code reason}; true when this changes the state (it was not paused). */
  synchronized boolean paused(String reason) {
    boolean changed = paused == null;
    paused = reason;
    return changed;
  }

  /** Periods may be claimed again; true when this changes the state (it was paused). */
  synchronized boolean resumed() {
    boolean changed = paused != null;
    paused = null;
    return changed;
  }

  public synchronized String pausedReason() {
    return paused;
  }

  public String name() {
    return name;
  }

  public synchronized long runs() {
    return runs;
  }

  public synchronized long skippedRuns() {
    return skipped;
  }

  public synchronized long failures() {
    return failures;
  }

  public synchronized boolean running() {
    return running;
  }

  public synchronized String owner() {
    return owner;
  }

  public synchronized String lastError() {
    return lastError;
  }

  public synchronized JsonObject toJson() {
    return new JsonObject()
      .put("name", name)
      .put("intervalMs", intervalMs)
      .put("enabled", enabled)
      .put("running", running)
      .put("runs", runs)
      .put("skipped", skipped)
      .put("failures", failures)
      .put("last_started_at", lastStartedAt == null ? null : lastStartedAt.toString())
      .put("last_finished_at", lastFinishedAt == null ? null : lastFinishedAt.toString())
      .put("last_error", lastError)
      .put("owner", owner)
      .put("paused", paused);
  }
}
