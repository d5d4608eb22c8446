package io.lanes.compute;

/**
 * The moment (epoch ms) a compute job must stop by: the requester gives up then, so work past it would be wasted. Jobs call
 * {@link #check()} regularly while they run.
 */
public record Deadline(long atEpochMs) {

  /** A deadline {@code millis} from now. */
  public static Deadline in(long millis) {
    return new Deadline(System.currentTimeMillis() + millis);
  }

  public boolean passed() {
    return System.currentTimeMillis() >= atEpochMs;
  }

  /** Throws {@link DeadlineExceededException} once the deadline has passed. Cheap enough to call every few milliseconds. */
  public void check() {
    if (passed()) {
      throw new DeadlineExceededException(atEpochMs);
    }
  }
}
