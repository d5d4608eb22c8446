package io.lanes.lane;

/**
 * A lane refused work: answered 503 with a {@code Retry-After}. Either at the door, because the work would wait past the
 * lane's budget (or past its hard cap) before it started, or at its turn, because it did wait past the budget.
 */
public final class LaneFullException extends RuntimeException {

  /** Why the lane refused. */
  public enum Reason {
    /** The expected wait of new work is over the budget (or the waiting items are at the hard cap). */
    EXPECTED_WAIT,
    /** Admitted work waited past the budget before its turn came; it was not run. */
    WAITED
  }

  private final String lane;
  private final Reason reason;
  private final int capacity;
  private final long maxWaitMs;
  private final long retryAfterMs;
  private final long waitedMs;

  public LaneFullException(String lane, Reason reason, int capacity, long maxWaitMs, long retryAfterMs, long waitedMs) {
    super(reason == Reason.WAITED
      ? "work waited " + waitedMs + " ms in lane '" + lane + "', past its budget of " + maxWaitMs + " ms"
      : "lane '" + lane + "' would make new work wait more than half its budget of " + maxWaitMs + " ms", null, false,
      false);
    this.lane = lane;
    this.reason = reason;
    this.capacity = capacity;
    this.maxWaitMs = maxWaitMs;
    this.retryAfterMs = retryAfterMs;
    this.waitedMs = waitedMs;
  }

  public String lane() {
    return lane;
  }

  public Reason reason() {
    return reason;
  }

  public int capacity() {
    return capacity;
  }

  public long maxWaitMs() {
    return maxWaitMs;
  }

  /** When the lane expects room again, in ms, from its drain rate. */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** {@code Retry-After} in whole seconds, rounded up, at least 1. */
  public long retryAfterSeconds() {
    return Math.max(1, (retryAfterMs + 999) / 1000);
  }

  /** With {@link Reason#WAITED}: how long the refused work had waited; else 0. */
  public long waitedMs() {
    return waitedMs;
  }
}
