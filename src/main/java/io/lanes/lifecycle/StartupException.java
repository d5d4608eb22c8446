package io.lanes.lifecycle;

/**
 * Why a node cannot start, in one line that names what to change (a port in use, a data directory it cannot write, a
 * cluster config it cannot read). No stack trace: the launcher prints the cause, and this one is the whole story.
 */
public final class StartupException extends RuntimeException {

  public StartupException(String message) {
    super(message, null, false, false);
  }

  @Override
  public String toString() {
    return getClass().getName() + ": " + getMessage();
  }
}
