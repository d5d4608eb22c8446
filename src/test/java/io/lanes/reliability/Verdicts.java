package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The bad-input verdicts on every answer: it came (no hang), it is never a 500 (502, 503 and 504 are answers of their
 * own), an error body is JSON, and no body carries a stack trace. Counts the statuses and keeps every problem.
 */
final class Verdicts {

  private int total;
  private final Map<Integer, Integer> statuses = new TreeMap<>();
  private final List<String> problems = new ArrayList<>();

  void check(String name, Answer a) {
    total++;
    statuses.merge(a.status(), 1, Integer::sum);
    if (!a.ok()) {
      problems.add(name + ": no answer (" + a.failure() + ")");
      return;
    }
    if (a.status() >= 500 && a.status() != 502 && a.status() != 503 && a.status() != 504) {
      problems.add(name + ": " + a);
    }
    String body = a.body();
    if (body.contains("Exception") || body.contains("\tat ") || body.contains("at io.") || body.contains("at java.")) {
      problems.add(name + ": stack trace in the body: " + a);
    }
    if (a.status() >= 400 && !body.isEmpty() && !isJson(body)) {
      problems.add(name + ": error body is not JSON: " + a);
    }
  }

  /** Besides {@link #check}: the answer has this status. */
  void expect(String name, Answer a, int status) {
    if (a.status() != status) {
      problems.add(name + ": expected " + status + ", got " + a);
    }
  }

  /** A raw response (a whole HTTP/1 message as text) with this status. */
  void expectRaw(String name, String response, int status) {
    total++;
    int got = Http.statusOf(response);
    statuses.merge(got, 1, Integer::sum);
    if (got != status) {
      problems.add(name + ": expected " + status + ", got " + abbreviate(response));
    }
  }

  int total() {
    return total;
  }

  Map<Integer, Integer> statuses() {
    return statuses;
  }

  List<String> problems() {
    return problems;
  }

  /** Every problem as a failed check, the first 12 in full. */
  void report(Result r) {
    problems.stream().limit(12).forEach(r::fail);
    if (problems.size() > 12) {
      r.fail("... " + (problems.size() - 12) + " more");
    }
  }

  static String abbreviate(String text) {
    String flat = text.replace("\r", "\\r").replace("\n", "\\n");
    return flat.length() > 80 ? flat.substring(0, 80) + "...(" + flat.length() + ")" : flat;
  }

  private static boolean isJson(String body) {
    try {
      Json.decodeValue(body);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
