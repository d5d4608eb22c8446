package io.lanes.http;

import io.vertx.ext.web.RoutingContext;

/**
 * A typed value one route step hands to the next (a validation step to its handler), instead of a string key and a cast
 * at each end. Each instance is its own key.
 */
public final class RequestValue<T> {

  private final String key;

  private RequestValue(String name) {
    this.key = "lanes." + name + "@" + Integer.toHexString(System.identityHashCode(this));
  }

  public static <T> RequestValue<T> named(String name) {
    return new RequestValue<>(name);
  }

  public void put(RoutingContext ctx, T value) {
    ctx.put(key, value);
  }

  /** The value an earlier step put; a route that reads one its steps never put is a bug. */
  public T get(RoutingContext ctx) {
    T value = ctx.get(key);
    if (value == null) {
      throw new IllegalStateException("no " + key + " on this request: a route step is missing");
    }
    return value;
  }
}
