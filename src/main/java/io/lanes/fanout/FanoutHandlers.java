package io.lanes.fanout;

import io.lanes.app.Node;
import io.lanes.compute.ScoreJob;
import io.lanes.http.ApiException;
import io.lanes.http.Responses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code /fetch-data} and {@code /fetch}: calls to the configured upstreams (or, when none are configured, to this node's
 * embedded stubs), through one {@link UpstreamClient} per HTTP verticle instance. The targets come from the config only:
 * nothing in a request can choose or change them.
 */
public final class FanoutHandlers {

  private static final String LOOPBACK = "127.0.0.1";

  private final Node node;
  private final UpstreamClient client;
  private final List<Upstream> configured;

  public FanoutHandlers(Vertx vertx, Node node) {
    this(vertx, node, (upstream, outcome, elapsedNanos) ->
      node.ops().recordUpstreamCall(upstream, outcome.label(), elapsedNanos));
  }

  public FanoutHandlers(Vertx vertx, Node node, FanoutListener listener) {
    this.node = node;
    this.client = UpstreamClient.create(vertx, node.config().fanout(), listener);
    this.configured = node.config().fanout().upstreams().stream().map(Upstream::of).toList();
  }

  /** The client, for other routes that call an upstream (e.g. {@code /complex-task}). */
  public UpstreamClient client() {
    return client;
  }

  /** The configured upstreams in order, or this node's three embedded stubs. */
  public List<Upstream> targets() {
    if (!configured.isEmpty()) {
      return configured;
    }
    String base = "http://" + hostToCall(node.config().http().host()) + ":" + node.httpPort();
    return EmbeddedUpstreams.PATHS.stream().map(path -> Upstream.of(base + path)).toList();
  }

  /** The target of {@code /fetch} and {@code /complex-task}. */
  public Upstream first() {
    return targets().get(0);
  }

  /** All targets at once; each result in configured order; 502 only when every one failed. */
  public void fetchData(RoutingContext ctx) {
    long startedNanos = System.nanoTime();
    List<Future<UpstreamResult>> calls = targets().stream().map(client::fetch).toList();
    Future.join(calls)
      .map(all -> all.<UpstreamResult>list())
      .onSuccess(results -> Responses.send(ctx, fanOutStatus(results), fanOutReport(results, startedNanos)))
      .onFailure(ctx::fail);
  }

  /** The first target's HTTP status; 504 when it missed the deadline, 502 when no answer came. */
  public void fetch(RoutingContext ctx) {
    client.fetch(first())
      .compose(FanoutHandlers::statusOf)
      .onSuccess(status -> Responses.ok(ctx, new JsonObject().put("status", status)))
      .onFailure(ctx::fail);
  }

  /**
   * {@code /complex-task}: fetches the first target's JSON on the loop, then scores it on the compute lane (job type
   * {@code score}). An upstream that gives no JSON document is 502; a compute timeout is 504 (FailureHandler).
   */
  public void complexTask(RoutingContext ctx) {
    long started = System.nanoTime();
    client.fetch(first())
      .compose(FanoutHandlers::documentOf)
      .compose(document -> {
        long fetched = System.nanoTime();
        return node.compute()
          .run(ScoreJob.TYPE, new JsonObject().put(ScoreJob.DOCUMENT, document))
          .map(reply -> new JsonObject()
            .put("processed", true)
            .put("score", reply.getValue("result"))
            .put("fetch_ms", TimeUnit.NANOSECONDS.toMillis(fetched - started))
            .put("compute_ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - fetched))
            .put("node", reply.getString("node")));
      })
      .onSuccess(body -> Responses.ok(ctx, body))
      .onFailure(ctx::fail);
  }

  public Future<Void> close() {
    return client.close();
  }

  private static Future<Object> documentOf(UpstreamResult result) {
    if (result.succeeded() && (result.body() instanceof JsonObject || result.body() instanceof JsonArray)) {
      return Future.succeededFuture(result.body());
    }
    JsonObject detail = result.toJson();
    if (result.succeeded()) {
      detail.remove("body");
      detail.put("error", new JsonObject().put("kind", Outcome.BAD_JSON.label())
        .put("message", "the upstream answered JSON that is not an object or array"));
    }
    return Future.failedFuture(new ApiException(502, "upstream failed", detail));
  }

  private static int fanOutStatus(List<UpstreamResult> results) {
    return results.stream().anyMatch(UpstreamResult::succeeded) ? 200 : 502;
  }

  private static JsonObject fanOutReport(List<UpstreamResult> results, long startedNanos) {
    JsonArray answers = new JsonArray();
    results.forEach(result -> answers.add(result.toJson()));
    JsonObject report = new JsonObject();
    if (fanOutStatus(results) == 502) {
      report.put("error", "all upstreams failed").put("detail", results.size() + " of " + results.size() + " upstreams failed");
    }
    return report
      .put("results", answers)
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
