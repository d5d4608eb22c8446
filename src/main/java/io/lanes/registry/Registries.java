package io.lanes.registry;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Vertx;

import java.util.Set;

/**
 * The one factory of state registries (tasks, jobs): in this JVM alone, cluster-wide when Vert.x is clustered. A state is a
 * JSON object whose {@value #STATE} names where the work is; it is terminal when that is one of the given names.
 */
public final class Registries {

  /** The key of every state that says where the work is (queued, running, done...). */
  public static final String STATE = "state";

  private Registries() {
  }

  /** Terminal states are kept {@code retentionCount} / {@code retentionMs} in this JVM. */
  public static Registry local(int retentionCount, long retentionMs, Set<String> terminal) {
    Set<String> names = Set.copyOf(terminal);
    return new LocalRegistry(retentionCount, retentionMs, state -> names.contains(state.getString(STATE)));
  }

  /**
   * Cluster-wide in the Hazelcast map {@code mapName}, so that every node answers the same for an id: terminal states by
   * age only (a cluster map has no cheap count bound). An entry still active after {@code activeTtlMs} belongs to a node
   * that died with it unnoticed, and is forgotten then.
   */
  public static Registry cluster(Vertx vertx, HazelcastInstance hazelcast, String mapName, long retentionMs,
                                 long activeTtlMs, Set<String> terminal) {
    return new ClusterRegistry(vertx, hazelcast.getMap(mapName), retentionMs, activeTtlMs, terminal);
  }
}
