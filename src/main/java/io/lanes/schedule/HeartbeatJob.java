package io.lanes.schedule;

import io.lanes.app.Node;
import io.lanes.lane.Lane;
import io.lanes.tasks.TaskRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The {@code heartbeat} job: one log line per run with how full this node's lanes are. */
public final class HeartbeatJob implements PeriodicJob {

  public static final String NAME = "heartbeat";
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatJob.class);

  private final Node node;

  public HeartbeatJob(Node node) {
    this.node = node;
  }

  @Override
  public void run() {
    LOG.info(line());
  }

  /** E.g. {@code Heartbeat node-1-ab12: blocking 3/80 in flight, tasks 2 running + 0 queued (bound 72), background 2 pending}. */
  String line() {
    Lane blocking = node.blocking().lane();
    TaskRunner tasks = node.tasks();
    return "Heartbeat " + node.id() + ": blocking " + blocking.inFlight() + "/" + blocking.capacity() + " in flight, tasks "
      + tasks.running() + " running + " + tasks.queued() + " queued (bound " + tasks.lane().capacity() + "), background "
      + node.background().pending() + " pending";
  }
}
