package io.lanes.dashboard;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The request histograms of the dashboard")
class RouteTrafficTest {

  @Test
  @DisplayName("put each latency in the half power of two from 16 µs that holds it")
  void bucketsByHalfPowersOfTwo() {
    assertEquals(0, RouteTraffic.bucket(0));
    assertEquals(0, RouteTraffic.bucket(15_999));
    assertEquals(1, RouteTraffic.bucket(16_000));
    assertEquals(1, RouteTraffic.bucket(22_000));
    assertEquals(2, RouteTraffic.bucket(23_000));
    assertEquals(3, RouteTraffic.bucket(32_000));
    assertEquals(RouteTraffic.BUCKETS - 1, RouteTraffic.bucket(TimeUnit.HOURS.toNanos(1)));
    for (long nanos = 1_000; nanos < TimeUnit.SECONDS.toNanos(100); nanos = nanos * 21 / 20) {
      int k = RouteTraffic.bucket(nanos);
      // to the quarter microsecond the buckets are counted in
      assertTrue(nanos / 1e6 < RouteTraffic.upperBoundMs(k) + 0.00025, nanos + " ns in bucket " + k);
      assertTrue(k == 0 || nanos / 1e6 >= RouteTraffic.upperBoundMs(k - 1) - 0.00025, nanos + " ns in bucket " + k);
    }
  }

  @Test
  @DisplayName("give the p99 as the upper bound of the bucket that holds it")
  void p99FromTheBuckets() {
    long[] buckets = new long[RouteTraffic.BUCKETS];
    buckets[RouteTraffic.bucket(TimeUnit.MILLISECONDS.toNanos(1))] = 990;
    buckets[RouteTraffic.bucket(TimeUnit.MILLISECONDS.toNanos(50))] = 10;
    double p99 = NodeSnapshots.percentileMs(buckets, 1000, 0.99);
    assertTrue(p99 >= 1 && p99 < 1.5, "p99 " + p99);
    double p999 = NodeSnapshots.percentileMs(buckets, 1000, 0.999);
    assertTrue(p999 >= 50 && p999 < 71, "p99.9 " + p999);
  }
}
