package io.lanes.dashboard;

import io.lanes.bus.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dashboard's event-bus side of one node: publishes this node's snapshot on {@link Addresses#DASHBOARD_SNAPSHOTS}
 * every {@code dashboard.intervalMs} (to every node of the cluster) and, on a node that serves the page, feeds every
 * node's snapshots into the {@link SnapshotAggregator}. When it stops it says so on {@link Addresses#DASHBOARD_LEFT}.
 */
public final class DashboardVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DashboardVerticle.class);

  private final NodeSnapshots snapshots;
  private final SnapshotAggregator aggregator;
  private final long intervalMs;
  private long timerId = -1;

  /** {@code aggregator} is null on a node without the page (no HTTP role): it only publishes. */
  public DashboardVerticle(NodeSnapshots snapshots, SnapshotAggregator aggregator, long intervalMs) {
    this.snapshots = snapshots;
    this.aggregator = aggregator;
    this.intervalMs = intervalMs;
  }

  @Override
  public Future<?> start() {
    EventBus bus = vertx.eventBus();
    Future<?> consuming = Future.succeededFuture();
    if (aggregator != null) {
      MessageConsumer<JsonObject> snapshotsIn = bus.consumer(Addresses.DASHBOARD_SNAPSHOTS,
        message -> aggregator.accept(message.body()));
      MessageConsumer<String> leftIn = bus.consumer(Addresses.DASHBOARD_LEFT, message -> aggregator.left(message.body()));
      consuming = Future.all(snapshotsIn.completion(), leftIn.completion());
    }
    return consuming.onSuccess(registered -> {
      publish();
      timerId = vertx.setPeriodic(intervalMs, id -> publish());
    });
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timerId);
    vertx.eventBus().publish(Addresses.DASHBOARD_LEFT, snapshots.nodeId());
    return Future.succeededFuture();
  }

  private void publish() {
    JsonObject snapshot;
    try {
      snapshot = snapshots.next();
    } catch (RuntimeException e) {
      LOG.warn("Could not build the dashboard snapshot of node {}", snapshots.nodeId(), e);
      return;
    }
    vertx.eventBus().publish(Addresses.DASHBOARD_SNAPSHOTS, snapshot);
  }
}
