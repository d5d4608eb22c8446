package io.lanes.compute;

/** A compute job ran into its {@link Deadline} and stopped; the consumer answers it with {@code FailureCodes.DEADLINE}. */
public final class DeadlineExceededException extends RuntimeException {

  public DeadlineExceededException(long deadlineEpochMs) {
    super("deadline passed (" + deadlineEpochMs + " epoch ms)", null, false, false);
  }
}
