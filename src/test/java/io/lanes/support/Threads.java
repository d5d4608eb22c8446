package io.lanes.support;

import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Looks at live threads, to prove where work runs and how much of it runs at once. Counts only the threads started since
 * this object was made (hold one in a test field): a thread left over from an earlier test, even one of a pool with the
 * same name, is never counted.
 */
public final class Threads {

  private final Set<Long> before;

  private Threads(Set<Long> before) {
    this.before = before;
  }

  /** Threads that exist from now on count; those alive now never do. */
  public static Threads startedFromNow() {
    return new Threads(Thread.getAllStackTraces().keySet().stream().map(Thread::getId).collect(Collectors.toSet()));
  }

  /** Threads whose name starts with {@code namePrefix} that are now inside a method whose frame mentions {@code frame}. */
  public long countInside(String namePrefix, String frame) {
    long count = 0;
    for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
      Thread thread = entry.getKey();
      if (before.contains(thread.getId()) || !thread.getName().startsWith(namePrefix)) {
        continue;
      }
      for (StackTraceElement element : entry.getValue()) {
        if ((element.getClassName() + "." + element.getMethodName()).contains(frame)) {
          count++;
          break;
        }
      }
    }
    return count;
  }
}
