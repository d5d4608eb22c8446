package io.lanes.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.function.Predicate;

/**
 * A {@link Registry} on the cluster-wide async map {@code name}, so every node answers the same for an id. Terminal entries
 * are stored with a time-to-live of {@code retentionMs} (the cluster map has no cheap count bound; age is the retention).
 */
public final class ClusterRegistry implements Registry {

  private final Future<AsyncMap<String, JsonObject>> map;
  private final long retentionMs;
  private final Predicate<JsonObject> isTerminal;

  public ClusterRegistry(Vertx vertx, String name, long retentionMs, Predicate<JsonObject> isTerminal) {
    this.map = vertx.sharedData().getClusterWideMap(name);
    this.retentionMs = Math.max(1, retentionMs);
    this.isTerminal = isTerminal;
  }

  @Override
  public Future<JsonObject> get(String id) {
    return map.compose(m -> m.get(id));
  }

  @Override
  public Future<JsonObject> putIfAbsent(String id, JsonObject state) {
    return map.compose(m -> isTerminal.test(state) ? m.putIfAbsent(id, state, retentionMs) : m.putIfAbsent(id, state));
  }

  @Override
  public Future<Boolean> replace(String id, JsonObject expected, JsonObject state) {
    return map.compose(m -> isTerminal.test(state)
      ? m.replaceIfPresent(id, expected, state, retentionMs)
      : m.replaceIfPresent(id, expected, state));
  }

  @Override
  public Future<Void> put(String id, JsonObject state) {
    return map.compose(m -> isTerminal.test(state) ? m.put(id, state, retentionMs) : m.put(id, state));
  }
}
