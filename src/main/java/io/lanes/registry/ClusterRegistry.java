package io.lanes.registry;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.IMap;
import com.hazelcast.query.Predicate;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A {@link Registry} on the cluster-wide Hazelcast map {@code name}, so every node answers the same for an id. Each state
 * is stored as its JSON text, and every write carries its time-to-live: terminal states {@code retentionMs} (the cluster
 * map has no cheap count bound; age is the retention), active ones {@code activeTtlMs}, longer than the work can
 * legitimately stay active. The conditional writes (put-if-absent, compare-and-set, ending a gone node's work) are
 * Hazelcast entry processors: one atomic step on the entry's owner that sets the value and its time-to-live together
 * (Hazelcast's own {@code replace(k, old, new)} has no time-to-live and resets the entry's to the map default).
 */
public final class ClusterRegistry implements Registry {

  /**
   * Hazelcast keeps time-to-live with about a second's precision and may expire an entry up to a second early (a 1000 ms
   * TTL was gone after 700 ms, a 400 ms one at once): every TTL gets this much more.
   */
  public static final long TTL_SLACK_MS = 1000;

  private final Vertx vertx;
  private final IMap<String, String> map;
  private final long retentionMs;
  private final long activeTtlMs;
  private final Set<String> terminal;

  /**
   * The registry on {@code map} (a member's view of a cluster map, from the node's Hazelcast instance); a state is terminal
   * when its {@value Registries#STATE} is one of {@code terminal}.
   */
  public ClusterRegistry(Vertx vertx, IMap<String, String> map, long retentionMs, long activeTtlMs,
                         Set<String> terminal) {
    this.vertx = vertx;
    this.map = map;
    this.retentionMs = retentionMs + TTL_SLACK_MS;
    this.activeTtlMs = activeTtlMs + TTL_SLACK_MS;
    this.terminal = Set.copyOf(terminal);
  }

  @Override
  public Future<JsonObject> get(String id) {
    return onCaller(map.getAsync(id)).map(ClusterRegistry::decode);
  }

  @Override
  public Future<JsonObject> putIfAbsent(String id, JsonObject state) {
    return onCaller(map.submitToKey(id, new PutIfAbsent(state.encode(), ttl(state)))).map(ClusterRegistry::decode);
  }

  @Override
  public Future<Boolean> replace(String id, JsonObject expected, JsonObject state) {
    return onCaller(map.submitToKey(id, new ReplaceIfEqual(expected.encode(), state.encode(), ttl(state))));
  }

  @Override
  public Future<Void> put(String id, JsonObject state) {
    return onCaller(map.setAsync(id, state.encode(), ttl(state), TimeUnit.MILLISECONDS));
  }

  /** A scan of the whole map on its members (each its own partitions), so it runs off the event loop. */
  @Override
  public Future<List<String>> endActive(String nodeKey, String node, JsonObject ending) {
    EndIfActive end = new EndIfActive(nodeKey, node, ending.encode(), terminal, retentionMs);
    return vertx.executeBlocking(() -> map.executeOnEntries(end, new Mentions(node)), false)
      .map(results -> results.entrySet().stream()
        .filter(result -> Boolean.TRUE.equals(result.getValue()))
        .map(Map.Entry::getKey)
        .sorted()
        .toList());
  }

  /** Continues on the caller's context (the map's futures complete on Hazelcast's threads). */
  private <T> Future<T> onCaller(CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, vertx.getOrCreateContext());
  }

  private long ttl(JsonObject state) {
    return isTerminal(state, terminal) ? retentionMs : activeTtlMs;
  }

  private static boolean isTerminal(JsonObject state, Set<String> terminal) {
    return terminal.contains(state.getString(Registries.STATE));
  }

  private static JsonObject decode(String json) {
    return json == null ? null : new JsonObject(json);
  }

  private static void set(Map.Entry<String, String> entry, String json, long ttlMs) {
    ((ExtendedMapEntry<String, String>) entry).setValue(json, ttlMs, TimeUnit.MILLISECONDS);
  }

  /** Stores the value unless the key has one; answers the value already there, or null. */
  static final class PutIfAbsent implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final String json;
    private final long ttlMs;

    PutIfAbsent(String json, long ttlMs) {
      this.json = json;
      this.ttlMs = ttlMs;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      if (entry.getValue() != null) {
        return entry.getValue();
      }
      set(entry, json, ttlMs);
      return null;
    }
  }

  /** Compare-and-set by JSON equality (key order does not matter), with the new state's time-to-live. */
  static final class ReplaceIfEqual implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String expected;
    private final String json;
    private final long ttlMs;

    ReplaceIfEqual(String expected, String json, long ttlMs) {
      this.expected = expected;
      this.json = json;
      this.ttlMs = ttlMs;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      String current = entry.getValue();
      if (current == null || !new JsonObject(current).equals(new JsonObject(expected))) {
        return false;
      }
      set(entry, json, ttlMs);
      return true;
    }
  }

  /** Merges the ending into an active state owned by the gone node; leaves everything else alone. */
  static final class EndIfActive implements EntryProcessor<String, String, Boolean> {
    private static final long serialVersionUID = 1L;
    private final String nodeKey;
    private final String node;
    private final String ending;
    private final Set<String> terminal;
    private final long ttlMs;

    EndIfActive(String nodeKey, String node, String ending, Set<String> terminal, long ttlMs) {
      this.nodeKey = nodeKey;
      this.node = node;
      this.ending = ending;
      this.terminal = Set.copyOf(terminal);
      this.ttlMs = ttlMs;
    }

    @Override
    public Boolean process(Map.Entry<String, String> entry) {
      if (entry.getValue() == null) {
        return false;
      }
      JsonObject state = new JsonObject(entry.getValue());
      if (isTerminal(state, terminal) || !node.equals(state.getValue(nodeKey))) {
        return false;
      }
      set(entry, state.mergeIn(new JsonObject(ending)).encode(), ttlMs);
      return true;
    }
  }

  /** A cheap first filter of the scan: the entry's text names the node at all. */
  static final class Mentions implements Predicate<String, String> {
    private static final long serialVersionUID = 1L;
    private final String node;

    Mentions(String node) {
      this.node = node;
    }

    @Override
    public boolean apply(Map.Entry<String, String> entry) {
      return entry.getValue() != null && entry.getValue().contains(node);
    }
  }
}
