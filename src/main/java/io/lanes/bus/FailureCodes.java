package io.lanes.bus;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Codes a consumer passes to {@code message.fail(code, reason)}, and the HTTP status each one means to a caller.
 * Negative codes are Vert.x's own (TIMEOUT, NO_HANDLERS).
 */
public final class FailureCodes {

  /** The request was invalid (bad parameters); the caller should have validated. */
  public static final int BAD_REQUEST = 400;
  /** The consumer's own lane is full. */
  public static final int BUSY = 503;
  /** The work ran past its deadline and was stopped. */
  public static final int DEADLINE = 504;
  /** The work failed on a resource (disk, I/O). */
  public static final int IO = 507;
  /** A bug in the consumer. */
  public static final int INTERNAL = 500;

  private FailureCodes() {
  }

  /** Whether {@code failure} is a consumer's {@link #BUSY}: it took the work past its lane's budget and refused it unrun. */
  public static boolean busy(Throwable failure) {
    return failure instanceof ReplyException reply && reply.failureType() == ReplyFailure.RECIPIENT_FAILURE
      && reply.failureCode() == BUSY;
  }

  /** The HTTP status for a recipient failure with {@code code}. */
  public static int httpStatus(int code) {
    return switch (code) {
      case BAD_REQUEST -> 400;
      case BUSY -> 503;
      case DEADLINE -> 504;
      case IO -> 503;
      default -> 500;
    };
  }
}
