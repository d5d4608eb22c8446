package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;

import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;

/** Calls {@code /hello} on a fresh connection every {@code everyMs} on its own thread while a scenario runs. */
final class HelloProbe {

  private final AtomicBoolean running = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Answer> answers = new ConcurrentLinkedQueue<>();
  private final Thread thread;

  HelloProbe(String url, long everyMs) {
    thread = new Thread(() -> {
      while (running.get()) {
        answers.add(Http.rawGet(url, 5000));
        try {
          Poll.pause(everyMs);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "hello-probe");
    thread.start();
  }

  void stop() throws InterruptedException {
    running.set(false);
    thread.join(10_000);
  }

  boolean allOk() {
    return !answers.isEmpty() && answers.stream().allMatch(a -> a.status() == 200);
  }

  String summary() {
    double[] ms = answers.stream().mapToDouble(Answer::millis).sorted().toArray();
    long ok = answers.stream().filter(a -> a.status() == 200).count();
    return String.format(Locale.ROOT, "%d/%d x 200, p50 %.1f ms, max %.1f ms", ok, answers.size(), Stats.pct(ms, 50), Stats.pct(ms, 100));
  }
}
