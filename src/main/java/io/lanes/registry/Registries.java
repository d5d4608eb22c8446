package io.lanes.registry;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.function.Predicate;

/** The one factory of state registries (tasks, jobs): in this JVM alone, cluster-wide when Vert.x is clustered. */
public final class Registries {

  private Registries() {
  }

  /**
   * Terminal states are kept {@code retentionCount} / {@code retentionMs} in this JVM, or cluster-wide in the map
   * {@code mapName} by age only (a cluster map has no cheap count bound), so that every node answers the same for an id.
   * A cluster entry still active after {@code activeTtlMs} belongs to a node that died with it, and is forgotten then.
   */
  public static Registry create(Vertx vertx, String mapName, int retentionCount, long retentionMs, long activeTtlMs,
                                Predicate<JsonObject> isTerminal) {
    if (!vertx.isClustered()) {
      return new LocalRegistry(retentionCount, retentionMs, isTerminal);
    }
    return new ClusterRegistry(vertx, mapName, retentionMs, activeTtlMs, isTerminal);
  }
}
