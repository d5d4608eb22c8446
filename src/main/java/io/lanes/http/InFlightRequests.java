package io.lanes.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The requests one HttpVerticle instance is serving, by id ({@code X-Request-Id}, echoed to the client), so a shutdown
 * that runs out of grace can say which requests it cut. As the first step of every request it also tells a keep-alive
 * client how long the connection may stay idle ({@link KeepAlive}). Touched only from the instance's event loop.
 */
final class InFlightRequests implements Handler<RoutingContext> {

  static final String REQUEST_ID = "X-Request-Id";
  private static final Logger LOG = LoggerFactory.getLogger(InFlightRequests.class);
  private static final String LOOP = "loop";
  /** The contract's tags that are lanes (the others, like {@code ops}, run on the loop). */
  private static final Set<String> LANE_TAGS = Set.of("blocking", "files", "tasks", "compute");

  private final String prefix;
  /** {@code timeout=N} for keep-alive responses; null when none is sent. */
  private final CharSequence keepAlive;
  /** Keyed by id; the request itself is kept and described only when a shutdown has to name it (the hot path stays cheap). */
  private final Map<String, HttpServerRequest> requests = new LinkedHashMap<>();
  private long next;

  InFlightRequests(String prefix, int idleTimeoutSeconds) {
    this.prefix = prefix;
    this.keepAlive = KeepAlive.value(idleTimeoutSeconds);
  }

  @Override
  public void handle(RoutingContext ctx) {
    String id = prefix + (++next);
    HttpServerRequest request = ctx.request();
    requests.put(id, request);
    ctx.response().putHeader(REQUEST_ID, id);
    if (keepAlive != null && KeepAlive.applies(request)) {
      ctx.response().putHeader(KeepAlive.HEADER, keepAlive);
    }
    long start = System.nanoTime();
    ctx.addEndHandler(done -> {
      requests.remove(id);
      if (LOG.isDebugEnabled()) {
        LOG.debug("{} {} {} {} {}ms lane={}", id, request.method(), request.path(), ctx.response().getStatusCode(),
          (System.nanoTime() - start) / 1_000_000, laneOf(ctx));
      }
    });
    ctx.next();
  }

  /**
   * The lane the request ran in: its operation's first tag when it is a lane, a plain route's {@link Routes#LANE}
   * metadata, else {@code loop}.
   */
  private static String laneOf(RoutingContext ctx) {
    if (ctx.currentRoute() == null) {
      return LOOP;
    }
    Object operation = ctx.currentRoute().getMetadata(RouterBuilder.KEY_META_DATA_OPERATION);
    if (operation instanceof Operation op && !op.getTags().isEmpty() && LANE_TAGS.contains(op.getTags().get(0))) {
      return op.getTags().get(0);
    }
    Object lane = ctx.currentRoute().getMetadata(Routes.LANE);
    return lane == null ? LOOP : lane.toString();
  }

  int size() {
    return requests.size();
  }

  /** Logs every request still in flight, by id: called when the shutdown grace has run out. */
  void logUnfinished(long graceMs) {
    requests.forEach((id, request) ->
      LOG.warn("Shutdown grace of {} ms ran out: closing unfinished request {} ({} {})", graceMs, id, request.method(),
        request.uri()));
  }
}
