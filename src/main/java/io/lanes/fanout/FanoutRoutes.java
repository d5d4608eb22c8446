package io.lanes.fanout;

import io.lanes.compute.ComputeSender;
import io.lanes.compute.ScoreJob;
import io.lanes.config.LanesConfig;
import io.lanes.http.ApiException;
import io.lanes.http.Operations;
import io.lanes.http.Responses;
import io.lanes.http.Routes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code /fetch-data}, {@code /fetch} and {@code /complex-task}: calls to the configured upstreams (or, when none are
 * configured, to this node's embedded stubs, which it mounts too while {@code fanout.stubs} is on), through one
 * {@link UpstreamClient} per HTTP verticle instance. The targets come from the config only: nothing in a request can
 * choose or change them. With neither upstreams nor stubs, the three routes answer 503 saying so.
 */
public final class FanoutRoutes implements Routes {

  private static final String LOOPBACK = "127.0.0.1";

  private final UpstreamClient client;
  private final EmbeddedUpstreams stubs;
  private final List<Upstream> configured;
  private final Future<List<Upstream>> targets;
  private final ComputeSender compute;
  private final boolean mountStubs;

  /**
   * Routes of one HTTP verticle instance (its {@code vertx}, on its context). {@code httpPort} completes once the HTTP
   * front listens: the embedded stubs are called there when no upstream is configured. {@code listener} hears of every
   * finished call (the metrics).
   */
  public FanoutRoutes(Vertx vertx, LanesConfig.Fanout config, String httpHost, Future<Integer> httpPort,
                      ComputeSender compute, FanoutListener listener) {
    this.client = UpstreamClient.create(vertx, config, listener);
    this.stubs = new EmbeddedUpstreams(vertx, config);
    this.configured = config.upstreams().stream().map(Upstream::of).toList();
    this.mountStubs = config.stubs();
    if (!configured.isEmpty()) {
      this.targets = Future.succeededFuture(configured);
    } else if (mountStubs) {
      this.targets = httpPort.map(port -> embeddedAt("http://" + hostToCall(httpHost) + ":" + port));
    } else {
      this.targets = Future.failedFuture(new ApiException(503, "no upstreams", "fanout.upstreams is empty and the"
        + " embedded stubs are off (http.host is not a loopback address): set fanout.upstreams, or fanout.stubs true"));
    }
    this.compute = compute;
  }

  @Override
  public void operations(Operations operations) {
    operations
      .handle("fetchData", this::fetchData)
      .handle("fetch", this::fetch)
      .handle("complexTask", this::complexTask);
    stub(operations, "upstreamJson", "/upstream/json");
    stub(operations, "upstreamUuid", "/upstream/uuid");
    stub(operations, "upstreamIp", "/upstream/ip");
  }

  /** A stub's operation: the stub while {@code fanout.stubs} is on, else 404 saying they are off. */
  private void stub(Operations operations, String operationId, String path) {
    if (mountStubs) {
      operations.handle(operationId, stubs::validateShape, stubs.answering(path));
    } else {
      operations.handle(operationId, ctx -> ctx.fail(new ApiException(404, "not found",
        "the embedded upstream stubs are off on this node (fanout.stubs)")));
    }
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  private static List<Upstream> embeddedAt(String base) {
    return EmbeddedUpstreams.PATHS.stream().map(path -> Upstream.of(base + path)).toList();
  }

  /** All targets at once; each result in configured order; 502 only when every one failed. */
  private void fetchData(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    targets
      .compose(all -> Future.join(all.stream().map(client::fetch).toList()))
      .map(all -> all.<UpstreamResult>list())
      .onSuccess(results -> Responses.send(ctx, fanOutStatus(results), fanOutReport(results, startedNanos)))
      .onFailure(ctx::fail);
  }

  /** The first target's HTTP status; 504 when it missed the deadline, 502 when no answer came. */
  private void fetch(RoutingContext ctx) {
    targets.compose(all -> client.fetch(all.get(0)))
      .compose(FanoutRoutes::statusOf)
      .onSuccess(status -> Responses.ok(ctx, new JsonObject().put("status", status)))
      .onFailure(ctx::fail);
  }

  /**
   * {@code /complex-task}: fetches the first target's JSON on the loop, then scores it on the compute lane (job type
   * {@code score}). An upstream that gives no JSON document is 502; a compute timeout is 504 (FailureHandler).
   */
  private void complexTask(RoutingContext ctx) {
    long started = System.nanoTime();
    targets.compose(all -> client.fetch(all.get(0)))
      .compose(FanoutRoutes::documentOf)
      .compose(document -> {
        long fetched = System.nanoTime();
        return compute
          .run(ScoreJob.TYPE, new JsonObject().put(ScoreJob.DOCUMENT, document))
          .map(reply -> new JsonObject()
            .put("processed", true)
            .put("score", reply.result())
            .put("fetch_ms", TimeUnit.NANOSECONDS.toMillis(fetched - started))
            .put("compute_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fetched))
            .put("node", reply.node()));
      })
      .onSuccess(body -> Responses.ok(ctx, body))
      .onFailure(ctx::fail);
  }

  private static Future<Object> documentOf(UpstreamResult result) {
    if (result.succeeded() && (result.body() instanceof JsonObject || result.body() instanceof JsonArray)) {
      return Future.succeededFuture(result.body());
    }
    JsonObject detail = result.toJson();
    if (result.succeeded()) {
      detail.put("error", new JsonObject().put("kind", Outcome.BAD_JSON.label())
        .put("message", "the upstream answered JSON that is not an object or array"));
    }
    return Future.failedFuture(new ApiException(502, "upstream failed", detail));
  }

  private static int fanOutStatus(List<UpstreamResult> results) {
    return results.stream().anyMatch(UpstreamResult::succeeded) ? 200 : 502;
  }

  /**
   * {@code results}: each upstream's JSON body in configured order, {@code null} for a failed one, as the original
   * answers ({@code [r.json() for r in responses]}); {@code upstreams}: each call's outcome, in the same order.
   */
  private static JsonObject fanOutReport(List<UpstreamResult> results, long startedNanos) {
    JsonArray bodies = new JsonArray();
    JsonArray outcomes = new JsonArray();
    for (UpstreamResult result : results) {
      bodies.add(result.body());
      outcomes.add(result.toJson());
    }
    JsonObject report = new JsonObject();
    if (fanOutStatus(results) == 502) {
      report.put("error", "all upstreams failed").put("detail", results.size() + " of " + results.size() + " upstreams failed");
    }
    return report
      .put("results", bodies)
      .put("upstreams", outcomes)
      .put("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos));
  }

  private static Future<Integer> statusOf(UpstreamResult result) {
    return switch (result.outcome()) {
      case TIMEOUT -> Future.failedFuture(new ApiException(504, "upstream timed out", problem(result)));
      case CONNECT -> Future.failedFuture(new ApiException(502, "upstream unreachable", problem(result)));
      default -> Future.succeededFuture(result.status());
    };
  }

  private static JsonObject problem(UpstreamResult result) {
    return new JsonObject()
      .put("upstream", result.upstream())
      .put("kind", result.outcome().label())
      .put("message", result.message());
  }

  /** A wildcard bind address is not a destination: the stubs are then called on the loopback. */
  private static String hostToCall(String bindHost) {
    if (bindHost.equals("0.0.0.0") || bindHost.equals("::") || bindHost.equals("[::]")) {
      return LOOPBACK;
    }
    return bindHost.contains(":") && !bindHost.startsWith("[") ? "[" + bindHost + "]" : bindHost;
  }
}
