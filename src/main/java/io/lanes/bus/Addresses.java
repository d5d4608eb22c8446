package io.lanes.bus;

/** Every event-bus address Lanes uses. No address literal appears anywhere else. */
public final class Addresses {

  /** File writes: {@code FileWriterVerticle} instances consume it. */
  public static final String FILES_WRITE = "lanes.files.write";
  /** CPU jobs: {@code ComputeVerticle} instances on any node consume it (cluster-visible). */
  public static final String COMPUTE_JOBS = "lanes.compute.jobs";
  /** Prefix of the per-node address where compute verticles report that an async job has started: see {@link #computeStarted}. */
  public static final String COMPUTE_STARTED = "lanes.compute.started";

  /** Local only: a compute verticle of a clustered node hands its start reports to the relay here (see the relay). */
  public static final String COMPUTE_START_RELAY = "lanes.compute.start-relay";
  /** The header of a message to {@link #COMPUTE_START_RELAY} naming the address the relay forwards it to. */
  public static final String RELAY_TO = "lanes-relay-to";

  /**
   * Local only: this node's half of a split cluster has just merged back (Hazelcast's MERGED). Its cluster-visible
   * consumers register again, so every member hears of them (the merge itself may not tell them).
   */
  public static final String CLUSTER_MERGED = "lanes.cluster.merged";

  /** Dashboard snapshots ({@code JsonObject}): each node publishes its own every interval, HTTP nodes consume them all. */
  public static final String DASHBOARD_SNAPSHOTS = "lanes.dashboard.snapshots";
  /** The id of a node whose dashboard publisher stops ({@code String}), so the pages drop it at once. */
  public static final String DASHBOARD_LEFT = "lanes.dashboard.left";

  private Addresses() {
  }

  /** Where a compute verticle reports the start of an async job sent by node {@code nodeId} (consumed on that node). */
  public static String computeStarted(String nodeId) {
    return COMPUTE_STARTED + "." + nodeId;
  }
}
