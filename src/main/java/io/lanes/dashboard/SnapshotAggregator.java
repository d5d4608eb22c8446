package io.lanes.dashboard;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * What the node serving the page knows of every node's dashboard: the last snapshot each node published (this one
 * included), when it came, and the cluster's members. A node whose last snapshot is older than {@code staleAfterMs} is
 * shown stale (greyed out); it is dropped once it left (it said so, or it is no longer a live member past a grace for
 * joining). {@link #view()} is the JSON every open stream sends, built at most once per {@value #VIEW_MAX_AGE_MS} ms
 * whatever the number of streams, the snapshots' JSON encoded once when they arrive. It also counts the open streams
 * against {@code maxStreams}. Thread-safe: fed from the event bus, read by every HTTP event loop.
 */
public final class SnapshotAggregator {

  /** A view this old is built again (the ages in it move on), even without a new snapshot. */
  static final long VIEW_MAX_AGE_MS = 250;
  /** A node not yet in the cluster view (it joined a moment ago) is kept this long after its first snapshot. */
  static final long JOIN_GRACE_MS = 10_000;

  private final String self;
  private final boolean clustered;
  private final Predicate<String> isLive;
  private final Supplier<List<JsonObject>> members;
  private final long intervalMs;
  private final long staleAfterMs;
  private final int maxStreams;
  private final LongSupplier clock;

  private final Map<String, Entry> nodes = new HashMap<>();
  private final AtomicInteger streams = new AtomicInteger();
  private String view;
  private long viewBuiltAt;
  private boolean changed = true;

  /** The last snapshot of one node, already encoded, and when it came. */
  private record Entry(String id, String encoded, long receivedAt, long firstSeenAt) {
  }

  /**
   * @param isLive  whether a Lanes node id is a live member (this node always is)
   * @param members the live members' records (id, roles, compute instances...)
   */
  public SnapshotAggregator(String self, boolean clustered, Predicate<String> isLive, Supplier<List<JsonObject>> members,
                            long intervalMs, long staleAfterMs, int maxStreams) {
    this(self, clustered, isLive, members, intervalMs, staleAfterMs, maxStreams, System::currentTimeMillis);
  }

  SnapshotAggregator(String self, boolean clustered, Predicate<String> isLive, Supplier<List<JsonObject>> members,
                     long intervalMs, long staleAfterMs, int maxStreams, LongSupplier clock) {
    this.self = self;
    this.clustered = clustered;
    this.isLive = isLive;
    this.members = members;
    this.intervalMs = intervalMs;
    this.staleAfterMs = staleAfterMs;
    this.maxStreams = maxStreams;
    this.clock = clock;
  }

  /**
   * A node's snapshot arrived. Alone, only this node's own count: another Lanes node deployed in the same Vert.x (tests do
   * that) shares the local event bus but is no member of anything.
   */
  public void accept(JsonObject snapshot) {
    String id = snapshot.getString("id");
    if (id == null || !clustered && !self.equals(id)) {
      return;
    }
    String encoded = snapshot.encode();
    long now = clock.getAsLong();
    synchronized (this) {
      Entry before = nodes.get(id);
      nodes.put(id, new Entry(id, encoded, now, before == null ? now : before.firstSeenAt()));
      changed = true;
    }
  }

  /** Node {@code id} said it is stopping: it goes at once. */
  public synchronized void left(String id) {
    if (id != null && !self.equals(id) && nodes.remove(id) != null) {
      changed = true;
    }
  }

  /**
   * {@code {"now","servedBy","clustered","intervalMs","staleAfterMs","streams","maxStreams","members":[...],
   * "nodes":[{"id","ageMs","stale","snapshot":{...}}]}}, this node first, then by id.
   */
  public synchronized String view() {
    long now = clock.getAsLong();
    if (view != null && !changed && now - viewBuiltAt < VIEW_MAX_AGE_MS) {
      return view;
    }
    nodes.values().removeIf(entry -> gone(entry, now));
    List<Entry> sorted = new ArrayList<>(nodes.values());
    sorted.sort(Comparator.comparing((Entry entry) -> !self.equals(entry.id())).thenComparing(Entry::id));
    StringBuilder json = new StringBuilder(256 + sorted.stream().mapToInt(entry -> entry.encoded().length() + 64).sum());
    String head = new JsonObject()
      .put("now", now)
      .put("servedBy", self)
      .put("clustered", clustered)
      .put("intervalMs", intervalMs)
      .put("staleAfterMs", staleAfterMs)
      .put("streams", streams.get())
      .put("maxStreams", maxStreams)
      .put("members", new JsonArray(List.copyOf(members.get())))
      .encode();
    json.append(head, 0, head.length() - 1).append(",\"nodes\":[");
    for (int i = 0; i < sorted.size(); i++) {
      Entry entry = sorted.get(i);
      long age = now - entry.receivedAt();
      json.append(i == 0 ? "" : ",")
        .append("{\"id\":").append(Json.encode(entry.id()))
        .append(",\"ageMs\":").append(age)
        .append(",\"stale\":").append(age > staleAfterMs)
        .append(",\"snapshot\":").append(entry.encoded())
        .append('}');
    }
    view = json.append("]}").toString();
    viewBuiltAt = now;
    changed = false;
    return view;
  }

  /** The nodes known now, this one first (for tests and the banner). */
  public synchronized List<String> nodeIds() {
    return nodes.keySet().stream().sorted(Comparator.comparing((String id) -> !self.equals(id)).thenComparing(id -> id))
      .toList();
  }

  /** Takes one of the {@code maxStreams} stream slots; false when all are taken. */
  public boolean tryOpenStream() {
    while (true) {
      int open = streams.get();
      if (open >= maxStreams) {
        return false;
      }
      if (streams.compareAndSet(open, open + 1)) {
        return true;
      }
    }
  }

  public void closeStream() {
    streams.decrementAndGet();
  }

  public int openStreams() {
    return streams.get();
  }

  /** A node that is no live member (past its grace for joining) is gone; this node never is. */
  private boolean gone(Entry entry, long now) {
    return clustered && !self.equals(entry.id()) && !isLive.test(entry.id()) && now - entry.firstSeenAt() > JOIN_GRACE_MS;
  }
}
