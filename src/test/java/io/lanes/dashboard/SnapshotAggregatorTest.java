package io.lanes.dashboard;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The dashboard's aggregator")
class SnapshotAggregatorTest {

  private static final String SELF = "node-a";
  private static final String OTHER = "node-b";
  private static final long STALE_AFTER_MS = 3000;

  private long now = 1_000_000;
  private final Set<String> live = new HashSet<>(Set.of(SELF, OTHER));

  private SnapshotAggregator aggregator(boolean clustered, int maxStreams) {
    return new SnapshotAggregator(SELF, clustered, live::contains,
      () -> List.of(new JsonObject().put("id", SELF), new JsonObject().put("id", OTHER)), 1000, STALE_AFTER_MS,
      maxStreams, () -> now);
  }

  private static JsonObject snapshot(String id) {
    return new JsonObject().put("id", id).put("lanes", new JsonArray());
  }

  private static JsonObject node(JsonObject view, String id) {
    return view.getJsonArray("nodes").stream().map(JsonObject.class::cast)
      .filter(node -> id.equals(node.getString("id"))).findFirst().orElse(null);
  }

  @Test
  @DisplayName("lists this node first, each with its age and snapshot, and the cluster's members")
  void listsEveryNode() {
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(OTHER));
    now += 400;
    aggregator.accept(snapshot(SELF));
    JsonObject view = new JsonObject(aggregator.view());
    assertEquals(List.of(SELF, OTHER), aggregator.nodeIds());
    assertEquals(SELF, view.getJsonArray("nodes").getJsonObject(0).getString("id"));
    assertEquals(400, node(view, OTHER).getLong("ageMs"));
    assertEquals(OTHER, node(view, OTHER).getJsonObject("snapshot").getString("id"));
    assertEquals(2, view.getJsonArray("members").size());
    assertEquals(SELF, view.getString("servedBy"));
  }

  @Test
  @DisplayName("shows a node stale once its last snapshot is older than staleAfterMs, and fresh again when one comes")
  void greysOutASilentNode() {
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(OTHER));
    now += STALE_AFTER_MS;
    assertFalse(node(new JsonObject(aggregator.view()), OTHER).getBoolean("stale"));
    now += SnapshotAggregator.VIEW_MAX_AGE_MS;
    assertTrue(node(new JsonObject(aggregator.view()), OTHER).getBoolean("stale"));
    aggregator.accept(snapshot(OTHER));
    assertFalse(node(new JsonObject(aggregator.view()), OTHER).getBoolean("stale"));
  }

  @Test
  @DisplayName("keeps a silent node that is still a member (greyed), and drops it once it is not, past the join grace")
  void dropsANodeThatLeftTheCluster() {
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(OTHER));
    now += SnapshotAggregator.JOIN_GRACE_MS + 1;
    aggregator.view();
    assertEquals(List.of(OTHER), aggregator.nodeIds(), "a live member stays, however silent");
    live.remove(OTHER);
    now += SnapshotAggregator.VIEW_MAX_AGE_MS;
    aggregator.view();
    assertEquals(List.of(), aggregator.nodeIds());
  }

  @Test
  @DisplayName("keeps a node the cluster view does not list yet while it may still be joining")
  void keepsAJoiningNode() {
    live.remove(OTHER);
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(OTHER));
    now += SnapshotAggregator.JOIN_GRACE_MS;
    aggregator.view();
    assertEquals(List.of(OTHER), aggregator.nodeIds());
  }

  @Test
  @DisplayName("drops a node that said it left at once, but never this one")
  void dropsANodeThatSaidItLeft() {
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(SELF));
    aggregator.accept(snapshot(OTHER));
    aggregator.left(OTHER);
    aggregator.left(SELF);
    assertEquals(List.of(SELF), aggregator.nodeIds());
    assertEquals(List.of(SELF), new JsonObject(aggregator.view()).getJsonArray("nodes").stream()
      .map(node -> ((JsonObject) node).getString("id")).toList());
  }

  @Test
  @DisplayName("alone, shows only this node (another Lanes node in the same Vert.x shares its local bus, not a cluster)")
  void aloneShowsItselfOnly() {
    SnapshotAggregator aggregator = aggregator(false, 4);
    aggregator.accept(snapshot(OTHER));
    aggregator.accept(snapshot(SELF));
    assertEquals(List.of(SELF), aggregator.nodeIds());
  }

  @Test
  @DisplayName("builds its view once per new snapshot or quarter of a second, whatever the number of streams reading it")
  void buildsTheViewOnce() {
    SnapshotAggregator aggregator = aggregator(true, 4);
    aggregator.accept(snapshot(SELF));
    String first = aggregator.view();
    now += SnapshotAggregator.VIEW_MAX_AGE_MS - 1;
    assertSame(first, aggregator.view());
    aggregator.accept(snapshot(OTHER));
    String second = aggregator.view();
    assertNotSame(first, second);
    now += SnapshotAggregator.VIEW_MAX_AGE_MS;
    assertNotSame(second, aggregator.view(), "the ages move on");
  }

  @Test
  @DisplayName("gives out at most maxStreams stream slots, and takes a freed one back")
  void boundsTheStreams() {
    SnapshotAggregator aggregator = aggregator(true, 2);
    assertTrue(aggregator.tryOpenStream());
    assertTrue(aggregator.tryOpenStream());
    assertFalse(aggregator.tryOpenStream());
    aggregator.closeStream();
    assertEquals(1, aggregator.openStreams());
    assertTrue(aggregator.tryOpenStream());
  }
}
