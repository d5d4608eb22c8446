package io.lanes.registry;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The local registry")
class LocalRegistryTest {

  private static JsonObject state(String value) {
    return new JsonObject().put("state", value);
  }

  private static LocalRegistry registry(int count, long ageMs) {
    return new LocalRegistry(count, ageMs, json -> "done".equals(json.getString("state")));
  }

  @Test
  @DisplayName("stores once, reports what is there, and replaces only an unchanged state")
  void putIfAbsentAndReplace() {
    LocalRegistry registry = registry(10, 60_000);
    assertNull(registry.putIfAbsent("a", state("running")).result());
    assertEquals(state("running"), registry.putIfAbsent("a", state("queued")).result());
    assertFalse(registry.replace("a", state("queued"), state("done")).result());
    assertTrue(registry.replace("a", state("running"), state("done")).result());
    assertEquals(state("done"), registry.get("a").result());
    assertNull(registry.get("unknown").result());
  }

  @Test
  @DisplayName("forgets the oldest finished entries past the retention count, never running ones")
  void retainsByCount() {
    LocalRegistry registry = registry(2, 60_000);
    registry.put("running", state("running"));
    for (String id : new String[] {"d1", "d2", "d3"}) {
      registry.put(id, state("done"));
    }
    assertNull(registry.get("d1").result());
    assertEquals(state("done"), registry.get("d3").result());
    assertEquals(state("running"), registry.get("running").result());
    assertEquals(3, registry.size());
  }

  @Test
  @DisplayName("forgets finished entries once they are as old as the retention age")
  void retainsByAge() {
    AtomicLong now = new AtomicLong(1_000);
    LocalRegistry registry = new LocalRegistry(100, 500, json -> "done".equals(json.getString("state")), now::get);
    registry.put("gone", state("done"));
    registry.put("kept", state("running"));
    now.addAndGet(499);
    assertEquals(state("done"), registry.get("gone").result());
    now.addAndGet(1);
    assertNull(registry.get("gone").result());
    assertEquals(state("running"), registry.get("kept").result());
  }
}
