package io.lanes.compute;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.util.Set;
import java.util.TreeSet;

/** Reading job parameters from JSON; every problem is an {@link InvalidJobException} naming the field. */
final class JobParams {

  private JobParams() {
  }

  /** Refuses fields a job does not know, so a typo ({@code "iteration"}) is not silently replaced by a default. */
  static void onlyKnown(JsonObject params, Set<String> known) {
    for (String field : new TreeSet<>(params.fieldNames())) {
      if (!known.contains(field)) {
        throw new InvalidJobException(field, "is not a parameter of this job (known: " + new TreeSet<>(known) + ")", null);
      }
    }
  }

  /** A whole number in {@code min..max}; {@code defaultValue} when absent. JSON numbers only (7 or 7.0, not "7"). */
  static long wholeNumber(JsonObject params, String field, long defaultValue, long min, long max) {
    Object value = params.getValue(field);
    if (value == null) {
      return Math.min(Math.max(defaultValue, min), max);
    }
    if (!(value instanceof Number number)) {
      throw new InvalidJobException(field, "must be a whole number in " + min + ".." + max, value);
    }
    BigDecimal exact;
    try {
      exact = new BigDecimal(number.toString());
    } catch (NumberFormatException e) {
      throw new InvalidJobException(field, "must be a whole number in " + min + ".." + max, value);
    }
    if (exact.stripTrailingZeros().scale() > 0) {
      throw new InvalidJobException(field, "must be a whole number in " + min + ".." + max, value);
    }
    if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
      throw new InvalidJobException(field, "must be in " + min + ".." + max, value);
    }
    return exact.longValueExact();
  }

  /** A string of at most {@code maxLength} characters; {@code defaultValue} when absent. */
  static String text(JsonObject params, String field, String defaultValue, int maxLength) {
    Object value = params.getValue(field);
    if (value == null) {
      return defaultValue;
    }
    if (!(value instanceof String text)) {
      throw new InvalidJobException(field, "must be a string", value);
    }
    if (text.length() > maxLength) {
      throw new InvalidJobException(field, "must be at most " + maxLength + " characters", text.substring(0, 16) + "...");
    }
    return text;
  }

  /** A required JSON object or array. */
  static Object document(JsonObject params, String field) {
    Object value = params.getValue(field);
    if (value == null) {
      throw new InvalidJobException(field, "is required (a JSON object or array)", null);
    }
    if (!(value instanceof JsonObject) && !(value instanceof JsonArray)) {
      throw new InvalidJobException(field, "must be a JSON object or array", value);
    }
    return value;
  }
}
