package io.lanes.schedule;

import io.lanes.lane.Lanes;
import io.lanes.lifecycle.BackgroundWork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.stream.Collectors;

/** The {@code heartbeat} job: one log line per run with how full this node's lanes are. */
public final class HeartbeatJob implements PeriodicJob {

  public static final String NAME = "heartbeat";
  private static final Logger LOG = LoggerFactory.getLogger(HeartbeatJob.class);

  private final String nodeId;
  private final Lanes lanes;
  private final BackgroundWork background;

  public HeartbeatJob(String nodeId, Lanes lanes, BackgroundWork background) {
    this.nodeId = nodeId;
    this.lanes = lanes;
    this.background = background;
  }

  @Override
  public void run() {
    LOG.info(line());
  }

  /** E.g. {@code Heartbeat node-1-ab12: in flight blocking 3, files 0, tasks 2, compute 0; background 2 pending}. */
  String line() {
    String inFlight = lanes.all().stream()
      .map(lane -> lane.name() + " " + lane.inFlight())
      .collect(Collectors.joining(", "));
    return "Heartbeat " + nodeId + ": in flight " + inFlight + "; background " + background.pending() + " pending";
  }

}
