package io.lanes.config;

import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * The whole, validated configuration of a node: one immutable record per section of {@code conf/config.json}.
 * {@link #from(JsonObject)} applies the defaults and fails with a {@link ConfigException} naming the first bad key.
 */
public record LanesConfig(
  Http http,
  Blocking blocking,
  Files files,
  Compute compute,
  Tasks tasks,
  List<Schedule> schedules,
  Fanout fanout,
  Cluster cluster,
  Set<Role> roles,
  Shutdown shutdown,
  Demo demo,
  Ops ops,
  Dashboard dashboard) {

  private static final int MIB = 1024 * 1024;

  public static LanesConfig from(JsonObject json) {
    ConfigReader root = ConfigReader.root(json);
    int cores = Runtime.getRuntime().availableProcessors();
    Http http = Http.from(root.section("http"), cores);
    return new LanesConfig(
      http,
      Blocking.from(root.section("blocking")),
      Files.from(root.section("files")),
      Compute.from(root.section("compute"), cores),
      Tasks.from(root.section("tasks")),
      schedulesFrom(root),
      Fanout.from(root.section("fanout"), http.host()),
      Cluster.from(root.section("cluster")),
      rolesFrom(root),
      Shutdown.from(root.section("shutdown")),
      Demo.from(root.section("demo")),
      Ops.from(root.section("ops"), cores),
      Dashboard.from(root.section("dashboard")));
  }

  public boolean has(Role role) {
    return roles.contains(role);
  }

  /** {@code http}: the listener every HttpVerticle instance shares. {@code instances} 0 means one per core. */
  public record Http(String host, int port, int instances, int maxBodyBytes, int idleTimeoutSeconds,
                     int maxHeaderBytes, int maxUriBytes, int retryAfterSeconds) {
    static Http from(ConfigReader r, int cores) {
      int instances = r.integer("instances", 0, 0, 1024);
      return new Http(
        r.string("host", "127.0.0.1"),
        r.integer("port", 8080, 0, 65535),
        instances == 0 ? cores : instances,
        r.integer("maxBodyBytes", 64 * 1024, 1, 64 * MIB),
        r.integer("idleTimeoutSeconds", 30, 1, 3600),
        r.integer("maxHeaderBytes", 8192, 1024, 1024 * 1024),
        r.integer("maxUriBytes", 4096, 256, 1024 * 1024),
        r.integer("retryAfterSeconds", 1, 1, 3600));
    }
  }

  /**
   * {@code blocking}: the named pool {@code lanes-blocking}. Work waits at most {@code maxWaitMs} for a thread (the
   * lane's budget); {@code queueLimit} waiting is only a memory guard. The sleeps of {@code /sync} and {@code /async}:
   * {@code defaultSleepSeconds} when a request gives no {@code seconds} (the original's 5 s), lowered to
   * {@code maxSleepSeconds} when that is smaller: the bound holds for every wait, and a config written before the
   * default existed (a {@code maxSleepSeconds} below 5) still starts.
   */
  public record Blocking(int poolSize, int queueLimit, int defaultSleepSeconds, int maxSleepSeconds, long warnExecuteMs,
                         long maxWaitMs) {
    public static final String POOL_NAME = "lanes-blocking";
    /** What the original service sleeps in {@code /sync} and {@code /async}. */
    public static final int ORIGINAL_SLEEP_SECONDS = 5;

    static Blocking from(ConfigReader r) {
      int maxSleepSeconds = r.integer("maxSleepSeconds", 60, 0, 3600);
      int defaultSleepSeconds = Math.min(r.integer("defaultSleepSeconds", ORIGINAL_SLEEP_SECONDS, 0, 3600), maxSleepSeconds);
      return new Blocking(
        // 100: the original's clients send 100 concurrent /sync; a sleeping thread costs no CPU and ~0.1 MiB (README)
        r.integer("poolSize", 100, 1, 1024),
        r.integer("queueLimit", 10_000, 0, 1_000_000),
        defaultSleepSeconds,
        maxSleepSeconds,
        r.longValue("warnExecuteMs", 60_000, 1, 3_600_000),
        r.longValue("maxWaitMs", 10_000, 1, 3_600_000));
    }
  }

  /**
   * {@code files}: the data directory, the file-writer lane (work waits at most {@code maxWaitMs} for a writer;
   * {@code queueLimit} waiting is only a memory guard) and the {@code /send} log appender.
   */
  public record Files(String dataDir, int writerInstances, long defaultBytes, long maxBytes, int chunkBytes,
                      boolean fsync, boolean keep, int queueLimit, long writeTimeoutMs, long staleTempMs,
                      int logQueueBytes, long maxWaitMs, boolean directBuffer, int asyncWrites) {
    static Files from(ConfigReader r) {
      long maxBytes = r.longValue("maxBytes", 1024L * MIB, 0, Long.MAX_VALUE / 2);
      long defaultBytes = r.longValue("defaultBytes", 16L * MIB, 0, Long.MAX_VALUE / 2);
      if (defaultBytes > maxBytes) {
        throw new ConfigException(r.path("defaultBytes"), "must not exceed files.maxBytes (" + maxBytes + ")");
      }
      return new Files(
        r.string("dataDir", "data"),
        r.integer("writerInstances", 4, 1, 1024),
        defaultBytes,
        maxBytes,
        r.integer("chunkBytes", MIB, 512, 64 * MIB),
        r.bool("fsync", false),
        r.bool("keep", false),
        r.integer("queueLimit", 10_000, 0, 1_000_000),
        r.longValue("writeTimeoutMs", 120_000, 1, 3_600_000),
        r.longValue("staleTempMs", 600_000, 1, Long.MAX_VALUE / 2),
        r.integer("logQueueBytes", 8 * MIB, 1024, 1024 * MIB),
        r.longValue("maxWaitMs", 2_000, 1, 3_600_000),
        bufferKind(r),
        r.integer("asyncWrites", 8, 1, 1024));
    }

    /** {@code files.buffer}: {@code direct} (the default) or {@code heap}. */
    private static boolean bufferKind(ConfigReader r) {
      String kind = r.string("buffer", "direct");
      if (!kind.equals("direct") && !kind.equals("heap")) {
        throw new ConfigException(r.path("buffer"), "must be direct or heap, got \"" + kind + "\"");
      }
      return kind.equals("direct");
    }
  }

  /**
   * {@code compute}: the ComputeVerticle pool {@code lanes-compute}. {@code instances} may be 0 on a node that only sends.
   * A job this node sends waits at most {@code maxWaitMs} for a compute verticle; {@code queueLimit} of its jobs waiting
   * is only a memory guard; finished {@code /jobs} are kept {@code retentionCount} / {@code retentionMs}.
   */
  public record Compute(int instances, int poolSize, int queueLimit, long timeoutMs, long maxIterations,
                        long maxLimit, long maxRounds, int retentionCount, long retentionMs, long maxWaitMs) {
    public static final String POOL_NAME = "lanes-compute";

    static Compute from(ConfigReader r, int cores) {
      int instances = r.has("instances") ? r.integer("instances", cores, 0, 1024) : cores;
      return new Compute(
        instances,
        r.integer("poolSize", Math.max(instances, 1), 1, 1024),
        r.integer("queueLimit", 10_000, 1, 1_000_000),
        r.longValue("timeoutMs", 10_000, 1, 3_600_000),
        r.longValue("maxIterations", 2_000_000_000L, 1, Long.MAX_VALUE / 2),
        r.longValue("maxLimit", 50_000_000L, 1, Integer.MAX_VALUE - 1L),
        r.longValue("maxRounds", 10_000_000L, 1, Long.MAX_VALUE / 2),
        r.integer("retentionCount", 1000, 0, 1_000_000),
        r.longValue("retentionMs", 3_600_000, 0, Long.MAX_VALUE / 2),
        r.longValue("maxWaitMs", 2_000, 1, 3_600_000));
    }
  }

  /**
   * {@code tasks}: background tasks started by {@code /task/{id}} and {@code /resource}, on {@code maxRunning} threads.
   * A task waits at most {@code maxWaitMs} for one (else it ends failed, never run late); {@code maxQueued} waiting is
   * only a memory guard.
   */
  public record Tasks(int defaultSeconds, int maxSeconds, int maxRunning, int maxQueued, int retentionCount,
                      long retentionMs, long maxWaitMs) {
    static Tasks from(ConfigReader r) {
      int maxSeconds = r.integer("maxSeconds", 300, 0, 86_400);
      int defaultSeconds = r.integer("defaultSeconds", 5, 0, 86_400);
      if (defaultSeconds > maxSeconds) {
        throw new ConfigException(r.path("defaultSeconds"), "must not exceed tasks.maxSeconds (" + maxSeconds + ")");
      }
      return new Tasks(
        defaultSeconds,
        maxSeconds,
        r.integer("maxRunning", 8, 1, 1024),
        r.integer("maxQueued", 10_000, 0, 1_000_000),
        r.integer("retentionCount", 1000, 0, 1_000_000),
        r.longValue("retentionMs", 3_600_000, 0, Long.MAX_VALUE / 2),
        r.longValue("maxWaitMs", 60_000, 1, 3_600_000));
    }
  }

  /** One entry of {@code schedules}: a periodic job by name. */
  public record Schedule(String name, long intervalMs, boolean enabled) {
    static Schedule from(ConfigReader r) {
      return new Schedule(
        r.requiredString("name"),
        r.longValue("intervalMs", 5000, 10, 86_400_000L),
        r.bool("enabled", true));
    }
  }

  /**
   * {@code fanout}: the upstreams of {@code /fetch-data}; none configured means this node's embedded stubs, when they are
   * on. {@code stubs} (mount {@code /upstream/*}) defaults to on only while {@code http.host} is a loopback address: a
   * node that serves other hosts does not echo their addresses or pad answers for them unless told to.
   * {@code stubMaxBytes} bounds the {@code ?bytes=} of the embedded stubs.
   */
  public record Fanout(List<String> upstreams, long timeoutMs, int poolSize, int maxBodyBytes, long maxDelayMs,
                       int stubMaxBytes, boolean stubs) {
    static Fanout from(ConfigReader r, String httpHost) {
      List<String> upstreams = r.strings("upstreams", List.of());
      for (int i = 0; i < upstreams.size(); i++) {
        String url = upstreams.get(i);
        if (!url.startsWith("http://") && !url.startsWith("https://")) {
          throw new ConfigException(r.path("upstreams") + "[" + i + "]", "must be an http:// or https:// URL, got \"" + url + "\"");
        }
      }
      return new Fanout(
        upstreams,
        r.longValue("timeoutMs", 2000, 1, 600_000),
        r.integer("poolSize", 32, 1, 10_000),
        r.integer("maxBodyBytes", 1024 * 1024, 1, 256 * MIB),
        r.longValue("maxDelayMs", 10_000, 0, 600_000),
        r.integer("stubMaxBytes", 2 * MIB, 0, 256 * MIB),
        r.bool("stubs", Hosts.isLoopback(httpHost)));
    }
  }

  /** {@code cluster}: the event-bus addresses this node advertises when started with {@code -cluster}. */
  public record Cluster(String host, String publicHost) {
    static Cluster from(ConfigReader r) {
      return new Cluster(r.string("host", null), r.string("publicHost", null));
    }
  }

  /** {@code shutdown}: how long in-flight and queued work may take after SIGTERM. */
  public record Shutdown(long graceMs, long drainDelayMs) {
    static Shutdown from(ConfigReader r) {
      return new Shutdown(
        r.longValue("graceMs", 30_000, 0, 3_600_000),
        r.longValue("drainDelayMs", 0, 0, 600_000));
    }
  }

  /** {@code demo}: switches for the anti-patterns Lanes shows on purpose. Off by default. */
  public record Demo(boolean allowEventLoopBlocking) {
    static Demo from(ConfigReader r) {
      return new Demo(r.bool("allowEventLoopBlocking", false));
    }
  }

  /**
   * {@code ops}: observability. The event-loop lag probe ticks every {@code lagProbeIntervalMs} on each of
   * {@code eventLoops} loops (0: Vert.x's default, 2 per core); health turns DOWN when a loop lags more than
   * {@code lagThresholdMs} or a lane stays full longer than {@code laneSaturatedMs}; each check gets {@code healthTimeoutMs}.
   * With {@code port} set (0: a free one), the operational endpoints ({@code /metrics}, {@code /health} with its
   * details, {@code /schedules}) are served by a listener of their own on {@code host} (loopback by default), and the
   * HTTP API keeps only {@code /ready} and a bare {@code /health}; without it ({@link #NO_PORT}) they are on the API.
   */
  public record Ops(long lagProbeIntervalMs, long lagThresholdMs, long laneSaturatedMs, long healthTimeoutMs,
                    int eventLoops, String host, int port) {
    /** {@code ops.port} unset: no listener of its own. */
    public static final int NO_PORT = -1;

    static Ops from(ConfigReader r, int cores) {
      int eventLoops = r.integer("eventLoops", 0, 0, 1024);
      return new Ops(
        r.longValue("lagProbeIntervalMs", 100, 10, 60_000),
        r.longValue("lagThresholdMs", 500, 1, 600_000),
        r.longValue("laneSaturatedMs", 10_000, 0, 3_600_000),
        r.longValue("healthTimeoutMs", 1000, 1, 60_000),
        eventLoops == 0 ? 2 * cores : eventLoops,
        r.string("host", "127.0.0.1"),
        r.has("port") ? r.integer("port", 0, 0, 65535) : NO_PORT);
    }

    /** Whether the operational endpoints have a listener of their own. */
    public boolean separate() {
      return port != NO_PORT;
    }
  }

  /**
   * {@code dashboard}: the live page {@code /dashboard} and its stream {@code /dashboard/events} (on where {@code /metrics}
   * is served). Every node publishes a snapshot every {@code intervalMs}; a node whose last one is older than
   * {@code staleAfterMs} is shown greyed out; at most {@code maxClients} streams are open at once on a node (503 past it).
   */
  public record Dashboard(boolean enabled, int maxClients, long intervalMs, long staleAfterMs) {
    static Dashboard from(ConfigReader r) {
      long intervalMs = r.longValue("intervalMs", 1000, 100, 60_000);
      long staleAfterMs = r.longValue("staleAfterMs", 3000, 1, 600_000);
      if (staleAfterMs <= intervalMs) {
        throw new ConfigException(r.path("staleAfterMs"), "must be longer than dashboard.intervalMs (" + intervalMs + ")");
      }
      return new Dashboard(
        r.bool("enabled", true),
        r.integer("maxClients", 16, 0, 10_000),
        intervalMs,
        staleAfterMs);
    }
  }

  private static List<Schedule> schedulesFrom(ConfigReader root) {
    List<ConfigReader> entries = root.objects("schedules");
    if (entries == null) {
      return List.of(new Schedule("heartbeat", 5000, true), new Schedule("scratch-sweeper", 60_000, true));
    }
    List<Schedule> schedules = new ArrayList<>();
    for (ConfigReader entry : entries) {
      schedules.add(Schedule.from(entry));
    }
    return List.copyOf(schedules);
  }

  private static Set<Role> rolesFrom(ConfigReader root) {
    List<String> names = root.strings("roles", List.of("http", "files", "compute", "scheduler"));
    if (names.isEmpty()) {
      throw new ConfigException(root.path("roles"), "must name at least one role");
    }
    Set<Role> roles = EnumSet.noneOf(Role.class);
    for (String name : names) {
      roles.add(Role.parse(root.path("roles"), name));
    }
    return Set.copyOf(roles);
  }
}
