package io.lanes.dashboard;

import io.lanes.http.Routes;
import io.vertx.core.Handler;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The node's requests by route group (the first segment of the path a route is mounted on: {@code /hello},
 * {@code /write}, {@code /tasks}...; {@code other} for paths no route starts with), each group a latency histogram. Every
 * HttpVerticle instance times its requests with its own {@link #recorder()} (one writer per counter, no contention between
 * loops); {@link #totals()} sums them for the dashboard's snapshot. Buckets are half powers of two from 16 µs:
 * bucket {@code k} holds what took less than {@code 16 µs × 2^(k/2)}, the last one everything slower.
 */
public final class RouteTraffic {

  static final int BUCKETS = 48;
  static final String OTHER = "other";
  /** Routing-context key: the request is a stream whose lifetime is no latency (see {@link #untimed}). */
  private static final String UNTIMED = "lanes.dashboard.untimed";
  private static final long FIRST_BOUND_NANOS = 16_000;
  /** Latencies are bucketed in units of 250 ns: the first bound, 16 µs, is 2^6 of them. */
  private static final long UNIT_NANOS = 250;
  private static final int FIRST_BOUND_POWER = 6;
  private static final long FIRST_BOUND_UNITS = 1L << FIRST_BOUND_POWER;

  private final List<Recorder> recorders = new CopyOnWriteArrayList<>();

  /** A recorder for one HttpVerticle instance: a root handler, so that it times every request. */
  public Routes recorder() {
    Recorder recorder = new Recorder();
    recorders.add(recorder);
    return recorder;
  }

  /** Leaves the request of {@code ctx} out of the histograms: a stream that lasts as long as its client wants. */
  static void untimed(RoutingContext ctx) {
    ctx.put(UNTIMED, Boolean.TRUE);
  }

  /** Every group's cumulative histogram, summed over the instances; read from any thread. */
  Map<String, long[]> totals() {
    Map<String, long[]> totals = new TreeMap<>();
    for (Recorder recorder : recorders) {
      recorder.groups.forEach((group, buckets) -> {
        long[] sum = totals.computeIfAbsent(group, name -> new long[BUCKETS]);
        for (int i = 0; i < BUCKETS; i++) {
          sum[i] += buckets.get(i);
        }
      });
    }
    return totals;
  }

  /** The bucket of a request that took {@code nanos} (to a quarter of a microsecond). */
  static int bucket(long nanos) {
    long units = nanos / UNIT_NANOS;
    if (units < FIRST_BOUND_UNITS) {
      return 0;
    }
    if (units >= 1L << 31) {
      return BUCKETS - 1;
    }
    int power = 63 - Long.numberOfLeadingZeros(units);
    // The upper half of [2^p, 2^(p+1)) starts at 2^p·√2: units² ≥ 2^(2p+1).
    int half = units * units >= 1L << (2 * power + 1) ? 1 : 0;
    return Math.min(BUCKETS - 1, 1 + 2 * (power - FIRST_BOUND_POWER) + half);
  }

  /** The upper bound of bucket {@code k}, in milliseconds. */
  static double upperBoundMs(int k) {
    return FIRST_BOUND_NANOS * Math.pow(2, k / 2.0) / 1e6;
  }

  /** Times every request of one HttpVerticle instance; touched only from its event loop (the counters are read anywhere). */
  private static final class Recorder implements Routes {

    private final Map<String, AtomicLongArray> groups = new ConcurrentHashMap<>();
    private Router router;
    private Set<String> known;

    @Override
    public List<Handler<RoutingContext>> rootHandlers() {
      return List.of(this::time);
    }

    @Override
    public void mount(Router router) {
      this.router = router;
    }

    private void time(RoutingContext ctx) {
      long start = System.nanoTime();
      AtomicLongArray buckets = groups.computeIfAbsent(group(ctx.request().path()),
        name -> new AtomicLongArray(BUCKETS));
      ctx.addEndHandler(done -> {
        if (ctx.get(UNTIMED) != null) {
          return;
        }
        int k = bucket(System.nanoTime() - start);
        // One writer per counter (this loop): a release store instead of an atomic add.
        buckets.lazySet(k, buckets.get(k) + 1);
      });
      ctx.next();
    }

    private String group(String path) {
      if (known == null) {
        // Every route is mounted before the first request: the groups are fixed from then on (bounded).
        known = firstSegments(router.getRoutes());
      }
      if (path == null) {
        return OTHER;
      }
      String first = firstSegment(path);
      return known.contains(first) ? first : OTHER;
    }

    private static Set<String> firstSegments(List<Route> routes) {
      Set<String> segments = new HashSet<>();
      for (Route route : routes) {
        if (route.getPath() != null) {
          segments.add(firstSegment(route.getPath()));
        }
      }
      return Set.copyOf(segments);
    }

    private static String firstSegment(String path) {
      int slash = path.indexOf('/', 1);
      return slash < 0 ? path : path.substring(0, slash);
    }
  }
}
