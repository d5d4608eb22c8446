package io.lanes.cluster;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The advertised-address check")
class AdvertisedAddressCheckTest {

  @Test
  @DisplayName("lets a loopback node join loopback members (one machine)")
  void loopbackClusterIsFine() {
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of("127.0.0.1"), "127.0.0.1"));
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of("127.0.0.1:5701", "localhost"), "localhost"));
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of("127.0.0.1-3", "[::1]:5702"), "127.0.1.1"));
  }

  @Test
  @DisplayName("lets a node advertising a routable address join members anywhere")
  void routableAddressIsFine() {
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of("10.0.0.1", "10.0.0.2"), "10.0.0.1"));
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of(), "192.168.1.20"));
    assertEquals(Optional.empty(), AdvertisedAddressCheck.refusal(List.of("127.0.0.1"), "10.0.0.1"));
  }

  @Test
  @DisplayName("refuses a loopback address when a member is on another host, in one line naming the fix")
  void refusesLoopbackToRemoteMembers() {
    Optional<String> refusal = AdvertisedAddressCheck.refusal(List.of("127.0.0.1", "10.0.0.2:5701"), "127.0.0.1");
    assertTrue(refusal.isPresent());
    assertTrue(refusal.get().contains("127.0.0.1") && refusal.get().contains("10.0.0.2:5701"), refusal.get());
    assertTrue(refusal.get().contains("-cluster-host"), refusal.get());
    assertFalse(refusal.get().contains("\n"));
    assertTrue(AdvertisedAddressCheck.refusal(List.of("db.example.com"), "localhost").isPresent());
    assertTrue(AdvertisedAddressCheck.refusal(List.of("10.0.0.2"), "::1").isPresent());
  }

  @Test
  @DisplayName("refuses a loopback address when members are discovered (multicast) and may be anywhere")
  void refusesLoopbackWithDiscovery() {
    assertTrue(AdvertisedAddressCheck.refusal(List.of(), "127.0.0.1").isPresent());
  }
}
