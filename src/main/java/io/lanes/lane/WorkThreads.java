package io.lanes.lane;

import io.vertx.core.Context;

/**
 * The threads that run a lane's work yield the CPU to the event loops: each task on a writer, compute, blocking, task,
 * scheduler or log-appender thread first lowers its thread to {@link Thread#MIN_PRIORITY} (once per thread; a field
 * read after that). An event-loop thread is never lowered.
 *
 * <p>Why: on a machine with fewer cores than busy threads, the kernel shares the CPU evenly between the two event loops
 * and, say, four writers copying 16 MiB each, so a refusal or a {@code /hello} waits behind the writes it has nothing
 * to do with. The work threads still get every idle cycle, and a share when the loops are busy. Measured on the 2-core
 * machine, 1,000 {@code /write} at once: refusals p99 54-104 ms at an even priority, 13-55 ms with the writers at
 * nice 5; the mix of {@code /hello} and {@code /write} at 50 connections each: 33-42k {@code /hello}/s and 265-310
 * writes/s even, 51-65k and 151-194 writes/s at nice 5 (nice 10: 73k and 148; nice 19 starved the writes). The README
 * has the trade ("Work yields to the event loops").
 *
 * <p>Java priorities reach Linux only with {@code -XX:ThreadPriorityPolicy=1}; {@code scripts/run} passes it with
 * {@code MIN_PRIORITY} mapped to nice 5 and every priority above normal mapped to nice 0, so that as root the JVM's
 * own threads (JIT compilers, GC, reference handler) keep the loops' priority instead of going above it. Without the
 * flags (a bare {@code java -jar}), this is a no-op and the lanes behave as before. Lowering one's own priority needs
 * no privilege; a JVM started by another user than root prints a warning that the policy "may require" one.
 */
public final class WorkThreads {

  private WorkThreads() {
  }

  /** Lowers the current thread below the event loops, unless it is one. */
  public static void yieldToEventLoops() {
    Thread thread = Thread.currentThread();
    if (thread.getPriority() != Thread.MIN_PRIORITY && !Context.isOnEventLoopThread()) {
      thread.setPriority(Thread.MIN_PRIORITY);
    }
  }
}
