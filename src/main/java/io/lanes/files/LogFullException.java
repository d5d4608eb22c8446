package io.lanes.files;

/** The log appender refused a line: {@code files.logQueueBytes} of lines are already waiting to be written. */
public final class LogFullException extends RuntimeException {

  private final long maxQueuedBytes;

  LogFullException(long maxQueuedBytes) {
    super("the log appender has " + maxQueuedBytes + " bytes of lines waiting", null, false, false);
    this.maxQueuedBytes = maxQueuedBytes;
  }

  public long maxQueuedBytes() {
    return maxQueuedBytes;
  }
}
