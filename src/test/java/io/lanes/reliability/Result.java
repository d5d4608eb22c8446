package io.lanes.reliability;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What one scenario found: its figures and its failed checks (none: PASS), recorded as one row of {@code results.tsv}
 * (name, verdict, seconds, figures, failures; {@code scripts/lib/reliability-report} reads it) and one line of output.
 */
final class Result {

  private final List<String> figures = new ArrayList<>();
  private final List<String> failures = new ArrayList<>();

  void figure(String format, Object... args) {
    figures.add(flat(String.format(Locale.ROOT, format, args)));
  }

  void check(boolean ok, String failure) {
    if (!ok) {
      fail(failure);
    }
  }

  void fail(String failure) {
    failures.add(flat(failure));
  }

  boolean passed() {
    return failures.isEmpty();
  }

  String verdict() {
    return passed() ? "PASS" : "FAIL";
  }

  /** The TSV row: figures and failures each joined by "; ", which the report splits into bullets. */
  String row(String name, long seconds) {
    return name + "\t" + verdict() + "\t" + seconds + "\t" + String.join("; ", figures) + "\t" + String.join("; ", failures);
  }

  /** The line printed when the scenario ends. */
  String line(String name, long seconds) {
    String failed = failures.isEmpty() ? "" : " | FAILED: " + String.join("; ", failures);
    return String.format(Locale.ROOT, "[reliability] %-10s %s (%d s) %s%s", name, verdict(), seconds, String.join("; ", figures), failed);
  }

  /** A figure or failure stays on its TSV field: no tab, no newline. */
  private static String flat(String text) {
    return text.replace('\t', ' ').replace('\n', ' ');
  }
}
