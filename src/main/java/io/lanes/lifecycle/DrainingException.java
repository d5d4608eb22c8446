package io.lanes.lifecycle;

/** New work refused because the node is shutting down: answered 503 {@code draining} with {@code Retry-After}. */
public final class DrainingException extends RuntimeException {

  public DrainingException(String message) {
    super(message, null, false, false);
  }
}
