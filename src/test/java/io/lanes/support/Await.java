package io.lanes.support;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.util.function.BooleanSupplier;

/** Waiting for a condition in tests without sleeping: a 10 ms periodic timer checks it (bounded by the test's timeout). */
public final class Await {

  private Await() {
  }

  public static Future<Void> until(Vertx vertx, BooleanSupplier condition) {
    Promise<Void> reached = Promise.promise();
    vertx.setPeriodic(10, id -> {
      if (condition.getAsBoolean()) {
        vertx.cancelTimer(id);
        reached.tryComplete();
      }
    });
    return reached.future();
  }
}
