package io.lanes.lane;

/** A lane refused work because its bound (running + waiting) was reached; answered as 503 with {@code Retry-After}. */
public final class LaneFullException extends RuntimeException {

  private final String lane;
  private final int capacity;
  private final int retryAfterSeconds;

  public LaneFullException(String lane, int capacity, int retryAfterSeconds) {
    super("lane '" + lane + "' is full (" + capacity + " running or waiting)", null, false, false);
    this.lane = lane;
    this.capacity = capacity;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String lane() {
    return lane;
  }

  public int capacity() {
    return capacity;
  }

  public int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
