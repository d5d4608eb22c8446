package io.lanes.lifecycle;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Work a node accepted and answered before doing it (log appends, background tasks), tracked by id so a shutdown can wait
 * for it and name what it could not finish. Shared by all verticles of a node.
 */
public final class BackgroundWork {

  private static final Logger LOG = LoggerFactory.getLogger(BackgroundWork.class);

  private final Map<String, Future<?>> pending = new ConcurrentHashMap<>();

  /** Tracks {@code work} under {@code id} until it completes, either way. */
  public <T> Future<T> track(String id, Future<T> work) {
    pending.put(id, work);
    work.onComplete(done -> pending.remove(id, work));
    return work;
  }

  public int pending() {
    return pending.size();
  }

  /**
   * Completes when no tracked work is left, or at {@code deadlineMillis} (epoch ms), logging by id what is still pending
   * then. Never fails.
   */
  public Future<Void> drain(Vertx vertx, long deadlineMillis) {
    List<Future<?>> now = List.copyOf(pending.values());
    if (now.isEmpty()) {
      return Future.succeededFuture();
    }
    long remaining = deadlineMillis - System.currentTimeMillis();
    if (remaining <= 0) {
      pending.keySet().forEach(id -> LOG.warn("Shutdown grace ran out: background work {} did not finish", id));
      return Future.succeededFuture();
    }
    return Future.join(now)
      .timeout(remaining, TimeUnit.MILLISECONDS)
      .transform(done -> drain(vertx, deadlineMillis));
  }
}
