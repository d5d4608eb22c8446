package io.lanes.dashboard;

/**
 * The dashboard's parts on one node, built by the composition root: the request recorder every HTTP verticle instance
 * mounts first ({@link RouteTraffic}), the snapshot builder ({@link NodeSnapshots}) its {@link DashboardVerticle}
 * publishes from, and the view of every node's snapshots ({@link SnapshotAggregator}) that {@link DashboardRoutes}
 * streams.
 */
public record Dashboard(RouteTraffic traffic, NodeSnapshots snapshots, SnapshotAggregator board) {
}
