package io.lanes.reliability;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A node's Prometheus meters, read over a raw socket ({@code /metrics}), outside the client under test. */
final class NodeMetrics {

  private NodeMetrics() {
  }

  /** A gauge's value without decimals, or {@code ?} when the node does not have it. */
  static String gauge(LanesProcess lanes, String name) {
    Matcher m = Pattern.compile("^" + name + "(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE).matcher(scrape(lanes, 2000));
    return m.find() ? String.format(Locale.ROOT, "%.0f", Double.parseDouble(m.group(2))) : "?";
  }

  /** {@code lanes_lane_in_flight} of one lane, or -1. */
  static long inFlight(LanesProcess lanes, String lane) {
    Matcher m = inFlightGauge(lane).matcher(scrape(lanes, 2000));
    return m.find() ? (long) Double.parseDouble(m.group(1)) : -1;
  }

  /** Waits (10 s at most) until a lane has {@code atLeast} requests in flight; fails the scenario otherwise. */
  static void awaitInFlight(LanesProcess lanes, String lane, int atLeast) throws Exception {
    if (!Poll.until(() -> inFlight(lanes, lane) >= atLeast, 10_000, 50)) {
      throw new IllegalStateException("lane " + lane + " never had " + atLeast + " in flight");
    }
  }

  /** The sum of a meter's samples (every label set), 0 when it has none. */
  static double sum(LanesProcess lanes, String name) {
    return scrape(lanes, 5000).lines().filter(l -> l.startsWith(name))
      .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static Pattern inFlightGauge(String lane) {
    return Pattern.compile("^lanes_lane_in_flight\\{.*lane=\"" + lane + "\".*} (\\S+)$", Pattern.MULTILINE);
  }

  private static String scrape(LanesProcess lanes, int timeoutMs) {
    return Http.rawGet(lanes.base + "/metrics", timeoutMs).body();
  }
}
