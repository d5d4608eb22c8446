package io.lanes.reliability;

import java.util.concurrent.TimeUnit;

/**
 * How the reliability driver waits on another process: a Lanes JVM gives it no callback, so it checks the process's
 * state (an HTTP probe, a metric, the data dir) until a condition holds or a deadline passes. The only place the driver
 * sleeps between checks; {@link #pause} is for scenario time that is deliberate (a load that runs before a kill, an idle
 * timeout that has to pass).
 */
final class Poll {

  @FunctionalInterface
  interface Check {
    boolean holds() throws Exception;
  }

  private Poll() {
  }

  /** Checks every {@code intervalMs} until {@code check} holds (true) or {@code timeoutMs} has passed (false). */
  static boolean until(Check check, long timeoutMs, long intervalMs) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    while (true) {
      if (check.holds()) {
        return true;
      }
      if (System.nanoTime() >= deadline) {
        return false;
      }
      Thread.sleep(intervalMs);
    }
  }

  /** Lets {@code millis} of scenario time pass on purpose (never to wait for an event: use {@link #until}). */
  static void pause(long millis) throws InterruptedException {
    Thread.sleep(millis);
  }
}
