package io.lanes.cluster;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The most common broken cluster: members on several hosts, but a node advertising a loopback event-bus address (the
 * others then send its messages to themselves and time out). A pure decision on the configured Hazelcast members and the
 * advertised host, so it is tested without a cluster.
 */
public final class AdvertisedAddressCheck {

  private AdvertisedAddressCheck() {
  }

  /**
   * Why this node must not start, or empty when it may. {@code members} are the Hazelcast TCP-IP members
   * ({@code host}, {@code host:port}, {@code a.b.c.d-e} ranges); an empty list means members are discovered, so they may be
   * on other hosts. A node advertising a loopback host is refused unless every member is loopback too.
   */
  public static Optional<String> refusal(List<String> members, String advertisedHost) {
    if (advertisedHost == null || !isLoopback(advertisedHost)) {
      return Optional.empty();
    }
    if (!members.isEmpty() && members.stream().allMatch(AdvertisedAddressCheck::isLoopback)) {
      return Optional.empty();
    }
    String where = members.isEmpty() ? "discovered on the network (no TCP-IP member list)" : "at " + members;
    return Optional.of("Refusing to start: this node would advertise the loopback event-bus address " + advertisedHost
      + " to cluster members " + where + ", which could never reach it. Start it with -cluster-host <an address of this"
      + " host the members can reach> (and -cluster-public-host behind NAT).");
  }

  /** {@code localhost}, {@code 127.x.x.x} or {@code ::1}, with or without a port or a range suffix. */
  static boolean isLoopback(String address) {
    String host = address.trim().toLowerCase(Locale.ROOT);
    if (host.startsWith("[")) {
      host = host.substring(1, Math.max(1, host.indexOf(']')));
    } else if (host.indexOf(':') == host.lastIndexOf(':') && host.indexOf(':') > 0) {
      host = host.substring(0, host.indexOf(':'));
    }
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("0:0:0:0:0:0:0:1");
  }
}
