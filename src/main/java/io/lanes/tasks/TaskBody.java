package io.lanes.tasks;

/** The blocking work of one background task; runs on the {@code lanes-tasks} pool, never on an event loop. */
@FunctionalInterface
public interface TaskBody {

  void run() throws Exception;

  /** The work of {@code /task/{id}} and {@code /resource}: holding a worker thread for {@code millis}. */
  static TaskBody sleep(long millis) {
    return () -> Thread.sleep(millis);
  }
}
