package io.lanes.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Predicate;

/**
 * A {@link Registry} in this JVM. Terminal entries (per {@code isTerminal}) are kept while there are at most
 * {@code retentionCount} of them and for at most {@code retentionMs}; the oldest go first. Thread-safe.
 */
public final class LocalRegistry implements Registry {

  private final int retentionCount;
  private final long retentionMs;
  private final Predicate<JsonObject> isTerminal;
  private final LongSupplier clock;
  private final Map<String, JsonObject> entries = new LinkedHashMap<>();
  /** Terminal entries in the order they finished, with the time they did. */
  private final LinkedHashMap<String, Long> finished = new LinkedHashMap<>();

  public LocalRegistry(int retentionCount, long retentionMs, Predicate<JsonObject> isTerminal) {
    this(retentionCount, retentionMs, isTerminal, System::currentTimeMillis);
  }

  LocalRegistry(int retentionCount, long retentionMs, Predicate<JsonObject> isTerminal, LongSupplier clock) {
    this.retentionCount = retentionCount;
    this.retentionMs = retentionMs;
    this.isTerminal = isTerminal;
    this.clock = clock;
  }

  @Override
  public synchronized Future<JsonObject> get(String id) {
    prune(clock.getAsLong());
    JsonObject state = entries.get(id);
    return Future.succeededFuture(state == null ? null : state.copy());
  }

  @Override
  public synchronized Future<JsonObject> putIfAbsent(String id, JsonObject state) {
    prune(clock.getAsLong());
    JsonObject existing = entries.get(id);
    if (existing != null) {
      return Future.succeededFuture(existing.copy());
    }
    store(id, state);
    return Future.succeededFuture(null);
  }

  @Override
  public synchronized Future<Boolean> replace(String id, JsonObject expected, JsonObject state) {
    JsonObject existing = entries.get(id);
    if (existing == null || !existing.equals(expected)) {
      return Future.succeededFuture(false);
    }
    store(id, state);
    return Future.succeededFuture(true);
  }

  @Override
  public synchronized Future<Void> put(String id, JsonObject state) {
    store(id, state);
    return Future.succeededFuture();
  }

  @Override
  public synchronized Future<List<String>> endActive(String nodeKey, String node, JsonObject ending) {
    List<String> ended = new ArrayList<>();
    for (Map.Entry<String, JsonObject> entry : List.copyOf(entries.entrySet())) {
      JsonObject state = entry.getValue();
      if (!isTerminal.test(state) && node.equals(state.getValue(nodeKey))) {
        store(entry.getKey(), state.copy().mergeIn(ending));
        ended.add(entry.getKey());
      }
    }
    return Future.succeededFuture(ended);
  }

  /** Entries held now, terminal or not (after pruning). */
  public synchronized int size() {
    prune(clock.getAsLong());
    return entries.size();
  }

  private void store(String id, JsonObject state) {
    entries.put(id, state.copy());
    finished.remove(id);
    if (isTerminal.test(state)) {
      finished.put(id, clock.getAsLong());
    }
    prune(clock.getAsLong());
  }

  private void prune(long now) {
    Iterator<Map.Entry<String, Long>> oldestFirst = finished.entrySet().iterator();
    while (oldestFirst.hasNext()) {
      Map.Entry<String, Long> entry = oldestFirst.next();
      boolean tooMany = finished.size() > retentionCount;
      boolean tooOld = now - entry.getValue() >= retentionMs;
      if (!tooMany && !tooOld) {
        break;
      }
      oldestFirst.remove();
      entries.remove(entry.getKey());
    }
  }
}
