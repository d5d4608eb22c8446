package io.lanes.registry;

import io.lanes.cluster.Clustering;
import io.lanes.support.TestClusters;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cluster registry on one Hazelcast member (free port, a cluster of its own) whose {@code lanes.*} maps keep entries
 * 24 h by default, as {@code conf/cluster.xml} does: every write, conditional ones included, gives the entry the
 * retention of its state instead.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The cluster registry")
class ClusterRegistryTest {

  /** The active retention under test: with Hazelcast's slack an entry lives about 2 s, against 86,400 s by default. */
  private static final long ACTIVE_TTL_MS = 1000;
  private static final long RETENTION_MS = 1000;
  private static final long EXPIRES_WITHIN_MS = 6000;
  private static final Set<String> TERMINAL = Set.of("done", "failed");

  private static Vertx member;

  private Registry registry;

  @BeforeAll
  static void startMember(VertxTestContext testContext) {
    TestClusters.members("lanes-cluster-registry-test", 1).start(0)
      .onSuccess(started -> member = started)
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterAll
  static void stopMember(VertxTestContext testContext) {
    (member == null ? Future.succeededFuture() : member.close()).onComplete(testContext.succeedingThenComplete());
  }

  private Registry registry() {
    return Registries.cluster(member, Clustering.hazelcast(member), "lanes.test." + UUID.randomUUID(), RETENTION_MS,
      ACTIVE_TTL_MS, TERMINAL);
  }

  private static JsonObject state(String name) {
    return new JsonObject().put("state", name).put("node", "node-a");
  }

  /** Completes when {@code id} is gone from {@code registry}, asked every 100 ms; fails after {@code ms}. */
  private static Future<Long> expires(Registry registry, String id, long startedNanos, long ms) {
    return registry.get(id).compose(state -> {
      long elapsed = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
      if (state == null) {
        return Future.succeededFuture(elapsed);
      }
      if (elapsed > ms) {
        return Future.failedFuture(new AssertionError(id + " still there after " + elapsed + " ms: " + state.encode()));
      }
      return member.timer(100, TimeUnit.MILLISECONDS).compose(tick -> expires(registry, id, startedNanos, ms));
    });
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps the active retention through a compare-and-set (queued to running): Hazelcast's replace dropped it")
  void compareAndSetKeepsTheTimeToLive(VertxTestContext testContext) {
    registry = registry();
    long[] replacedAt = new long[1];
    registry.putIfAbsent("job", state("queued"))
      .compose(absent -> registry.replace("job", state("queued"), state("running")))
      .compose(replaced -> {
        replacedAt[0] = System.nanoTime();
        testContext.verify(() -> assertTrue(replaced, "the compare-and-set did not apply"));
        return registry.get("job");
      })
      .compose(running -> {
        testContext.verify(() -> assertEquals(state("running"), running));
        return expires(registry, "job", replacedAt[0], EXPIRES_WITHIN_MS);
      })
      .onComplete(testContext.succeeding(ms -> testContext.verify(() -> {
        assertTrue(ms >= ACTIVE_TTL_MS - 1000, "expired too early, after " + ms + " ms");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("compares states as JSON (key order does not matter) and refuses a stale one")
  void compareAndSetComparesJson(VertxTestContext testContext) {
    registry = registry();
    JsonObject stored = new JsonObject().put("a", 1).put("state", "queued");
    JsonObject reordered = new JsonObject().put("state", "queued").put("a", 1);
    registry.put("id", stored)
      .compose(put -> registry.replace("id", state("running"), state("done")))
      .compose(stale -> {
        testContext.verify(() -> assertFalse(stale, "replaced a state that was not the expected one"));
        return registry.replace("id", reordered, state("done"));
      })
      .onComplete(testContext.succeeding(replaced -> testContext.verify(() -> {
        assertTrue(replaced, "the same JSON in another key order was not recognised");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("ends only the gone node's active entries, keeping their other fields, with the terminal retention")
  void endsTheActiveEntriesOfAGoneNode(VertxTestContext testContext) {
    registry = registry();
    JsonObject ending = new JsonObject().put("state", "failed").put("error", "node node-a left the cluster");
    Future.all(List.of(
        registry.put("running-on-a", state("running").put("started_at", 42)),
        registry.put("queued-on-a", state("queued")),
        registry.put("done-on-a", state("done")),
        registry.put("running-on-b", state("running").put("node", "node-b"))))
      .compose(stored -> registry.endActive("node", "node-a", ending))
      .compose(ended -> {
        testContext.verify(() -> assertEquals(List.of("queued-on-a", "running-on-a"), ended));
        return Future.all(registry.get("running-on-a"), registry.get("done-on-a"), registry.get("running-on-b"));
      })
      .compose(states -> {
        testContext.verify(() -> {
          JsonObject failed = states.resultAt(0);
          assertEquals("failed", failed.getString("state"));
          assertEquals("node node-a left the cluster", failed.getString("error"));
          assertEquals(42, failed.getInteger("started_at"), "the ending dropped the start");
          assertEquals("done", states.<JsonObject>resultAt(1).getString("state"));
          assertEquals("running", states.<JsonObject>resultAt(2).getString("state"));
        });
        return registry.endActive("node", "node-a", ending);
      })
      .compose(again -> {
        testContext.verify(() -> assertEquals(List.of(), again, "ended twice"));
        return expires(registry, "running-on-a", System.nanoTime(), EXPIRES_WITHIN_MS);
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("stores a claimed id with its retention, and answers the state already there to a second claim")
  void putIfAbsentKeepsTheTimeToLive(VertxTestContext testContext) {
    registry = registry();
    long[] claimedAt = new long[1];
    registry.putIfAbsent("task", state("queued"))
      .compose(absent -> {
        claimedAt[0] = System.nanoTime();
        testContext.verify(() -> assertNull(absent));
        return registry.putIfAbsent("task", state("running"));
      })
      .compose(existing -> {
        testContext.verify(() -> assertEquals(state("queued"), existing));
        return expires(registry, "task", claimedAt[0], EXPIRES_WITHIN_MS);
      })
      .onComplete(testContext.succeedingThenComplete());
  }
}
