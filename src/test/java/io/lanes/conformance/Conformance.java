package io.lanes.conformance;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The comparison rule of {@code scripts/reference/conformance}, for the JVM: every key of the original's body must be in
 * Lanes' body with the same JSON type and, unless it is volatile, the same value; extra keys are fine. Key paths read
 * {@code results[1].uuid}; {@code (status)} stands for the status class. The examples are
 * {@code scripts/reference/examples.json}, shared with the Python client of {@code scripts/bench --only compare}.
 */
final class Conformance {

  static final Path EXAMPLES = Path.of("scripts", "reference", "examples.json");
  static final String STATUS = "(status)";

  private Conformance() {
  }

  /** One example request and the original's answer to it. */
  record Example(String method, String path, JsonObject json, int status, Object body, Set<String> volatileKeys,
                 Map<String, Object> deviations) {

    String name() {
      return method + " " + path;
    }
  }

  /** A key whose value or type differs, or that is missing. */
  record Difference(String key, String problem) {
    @Override
    public String toString() {
      return key + ": " + problem;
    }
  }

  static List<Example> examples() throws IOException {
    JsonArray requests = new JsonObject(Files.readString(EXAMPLES)).getJsonArray("requests");
    List<Example> examples = new ArrayList<>();
    for (Object entry : requests) {
      JsonObject example = (JsonObject) entry;
      examples.add(new Example(
        example.getString("method"),
        example.getString("path"),
        example.getJsonObject("json"),
        example.getInteger("status"),
        example.getValue("body"),
        Set.copyOf(example.getJsonArray("volatile", new JsonArray()).stream().map(String::valueOf).toList()),
        example.getJsonObject("deviations", new JsonObject()).getMap()));
    }
    return examples;
  }

  /** The differences of one answer from the original's: status class first; a body only when the class matches. */
  static List<Difference> judge(Example example, int status, Object body) {
    if (status / 100 != example.status() / 100) {
      return List.of(new Difference(STATUS, status + " instead of " + example.status()));
    }
    List<Difference> found = new ArrayList<>();
    compare(example.body(), body, example.volatileKeys(), "", found);
    return found;
  }

  private static void compare(Object expected, Object actual, Set<String> volatileKeys, String path, List<Difference> found) {
    String kind = type(expected);
    String got = type(actual);
    if (!kind.equals(got)) {
      found.add(new Difference(path.isEmpty() ? "(body)" : path, got + " " + actual + " instead of " + kind + " " + expected));
      return;
    }
    if (expected instanceof JsonObject object) {
      JsonObject other = (JsonObject) actual;
      for (String key : object.fieldNames()) {
        String sub = path.isEmpty() ? key : path + "." + key;
        if (!other.containsKey(key)) {
          found.add(new Difference(sub, "missing"));
        } else {
          compare(object.getValue(key), other.getValue(key), volatileKeys, sub, found);
        }
      }
    } else if (expected instanceof JsonArray array) {
      JsonArray other = (JsonArray) actual;
      for (int i = 0; i < array.size(); i++) {
        String sub = path + "[" + i + "]";
        if (i >= other.size()) {
          found.add(new Difference(sub, "missing"));
        } else {
          compare(array.getValue(i), other.getValue(i), volatileKeys, sub, found);
        }
      }
    } else if (!volatileKeys.contains(path) && !expected.equals(actual)) {
      found.add(new Difference(path, actual + " instead of " + expected));
    }
  }

  /** The JSON type as Python's json module tells them apart: an integer is not a float. */
  static String type(Object value) {
    if (value == null) {
      return "null";
    }
    if (value instanceof Boolean) {
      return "boolean";
    }
    if (value instanceof Integer || value instanceof Long || value instanceof java.math.BigInteger) {
      return "integer";
    }
    if (value instanceof Number) {
      return "float";
    }
    if (value instanceof String) {
      return "string";
    }
    if (value instanceof JsonArray) {
      return "array";
    }
    if (value instanceof JsonObject) {
      return "object";
    }
    return value.getClass().getSimpleName();
  }
}
