package io.lanes.http;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.OpenAPIRoute;
import io.vertx.ext.web.openapi.router.RouterBuilder;
import io.vertx.openapi.contract.Operation;

import java.util.Set;
import java.util.TreeSet;

/**
 * The operations of the contract, for features to attach their handlers to by {@code operationId}: the route, its
 * method, path and the validation of its parameters and body come from the contract. An operation without parameters or
 * body skips the validator (it has nothing to check, and the validator costs a worker-pool round trip per request).
 */
public final class Operations {

  private final RouterBuilder builder;
  private final Set<String> handled = new TreeSet<>();

  Operations(RouterBuilder builder) {
    this.builder = builder;
  }

  /** Attaches {@code handlers} (validation steps first, then the handler) to operation {@code operationId}. */
  @SafeVarargs
  public final Operations handle(String operationId, Handler<RoutingContext>... handlers) {
    OpenAPIRoute route = builder.getRoute(operationId);
    if (route == null) {
      throw new IllegalArgumentException("no operation " + operationId + " in the contract");
    }
    Operation operation = route.getOperation();
    if (operation.getParameters().isEmpty() && operation.getRequestBody() == null) {
      route.setDoValidation(false);
    }
    for (Handler<RoutingContext> handler : handlers) {
      route.addHandler(handler);
    }
    handled.add(operationId);
    return this;
  }

  /** The operations of the contract no feature attached a handler to (Vert.x answers them 503). */
  public Set<String> unhandled() {
    Set<String> all = new TreeSet<>();
    builder.getRoutes().forEach(route -> all.add(route.getOperation().getOperationId()));
    all.removeAll(handled);
    return all;
  }
}
