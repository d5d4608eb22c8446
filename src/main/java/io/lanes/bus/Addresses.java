package io.lanes.bus;

/** Every event-bus address Lanes uses. No address literal appears anywhere else. */
public final class Addresses {

  /** File writes: {@code FileWriterVerticle} instances consume it. */
  public static final String FILES_WRITE = "lanes.files.write";
  /** CPU jobs: {@code ComputeVerticle} instances on any node consume it (cluster-visible). */
  public static final String COMPUTE_JOBS = "lanes.compute.jobs";

  private Addresses() {
  }
}
