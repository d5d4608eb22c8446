package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;

import java.util.List;

/** Percentiles and counts of answers, as the scenarios report them. */
final class Stats {

  private Stats() {
  }

  /** The p-th percentile of sorted values (nearest rank); 0 for none. */
  static double pct(double[] sorted, double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
  }

  static long count(List<Answer> answers, int status) {
    return answers.stream().filter(a -> a.status() == status).count();
  }
}
