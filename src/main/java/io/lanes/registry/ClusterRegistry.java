package io.lanes.registry;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;

import java.util.function.Predicate;

/**
 * A {@link Registry} on the cluster-wide async map {@code name}, so every node answers the same for an id. Terminal entries
 * are stored with a time-to-live of {@code retentionMs} (the cluster map has no cheap count bound; age is the retention).
 * Active entries get {@code activeTtlMs}, longer than the work can legitimately stay active: the entry of a node that died
 * with work in flight is forgotten then instead of claiming its id forever.
 */
public final class ClusterRegistry implements Registry {

  /**
   * Hazelcast keeps time-to-live with about a second's precision and may expire an entry up to a second early (a 1000 ms
   * TTL was gone after 700 ms, a 400 ms one at once): every TTL gets this much more.
   */
  public static final long TTL_SLACK_MS = 1000;

  private final Vertx vertx;
  private final String name;
  private final long retentionMs;
  private final long activeTtlMs;
  private final Predicate<JsonObject> isTerminal;

  public ClusterRegistry(Vertx vertx, String name, long retentionMs, long activeTtlMs, Predicate<JsonObject> isTerminal) {
    this.vertx = vertx;
    this.name = name;
    this.retentionMs = retentionMs + TTL_SLACK_MS;
    this.activeTtlMs = activeTtlMs + TTL_SLACK_MS;
    this.isTerminal = isTerminal;
  }

  @Override
  public Future<JsonObject> get(String id) {
    return map().compose(m -> m.get(id));
  }

  @Override
  public Future<JsonObject> putIfAbsent(String id, JsonObject state) {
    return map().compose(m -> m.putIfAbsent(id, state, ttl(state)));
  }

  /**
   * An atomic compare-and-set. Hazelcast compares the serialized values, so {@code expected} must be the state as read
   * (same keys in the same order). Its compare-and-set has no time-to-live (Vert.x's 4-argument form throws on Hazelcast)
   * and resets the entry's to the map's default: a terminal state gets its retention by a second write (the last write of
   * that id, by its owner); an active one keeps the map default, which {@code conf/cluster.xml} bounds for {@code lanes.*}
   * maps. A second write for an active state could overwrite a terminal state stored in between.
   */
  @Override
  public Future<Boolean> replace(String id, JsonObject expected, JsonObject state) {
    return map().compose(m -> m.replaceIfPresent(id, expected, state)
      .compose(replaced -> replaced && isTerminal.test(state)
        ? m.put(id, state, retentionMs).map(true)
        : Future.succeededFuture(replaced)));
  }

  @Override
  public Future<Void> put(String id, JsonObject state) {
    return map().compose(m -> m.put(id, state, ttl(state)));
  }

  /**
   * The map, asked for on the caller's context (a cheap local call): a future kept from another context would run every
   * continuation, and the caller's handlers, on that context's event loop.
   */
  private Future<AsyncMap<String, JsonObject>> map() {
    return vertx.sharedData().getClusterWideMap(name);
  }

  private long ttl(JsonObject state) {
    return isTerminal.test(state) ? retentionMs : activeTtlMs;
  }
}
