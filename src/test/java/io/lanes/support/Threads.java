package io.lanes.support;

import java.util.Map;

/** Looks at live threads, to prove where work runs and how much of it runs at once. */
public final class Threads {

  private Threads() {
  }

  /** Threads whose name starts with {@code namePrefix} that are now inside a method whose frame mentions {@code frame}. */
  public static long countInside(String namePrefix, String frame) {
    long count = 0;
    for (Map.Entry<Thread, StackTraceElement[]> entry : Thread.getAllStackTraces().entrySet()) {
      if (!entry.getKey().getName().startsWith(namePrefix)) {
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
