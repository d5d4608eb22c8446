package io.lanes.http;

import io.vertx.ext.web.RoutingContext;

import java.math.BigDecimal;

/** Reading query parameters; every problem becomes a 400 that names the parameter. */
public final class Params {

  private Params() {
  }

  /** A required decimal number of seconds in {@code 0..max}, echoed back as given (an integer stays an integer). */
  public static Number seconds(RoutingContext ctx, String name, int max) {
    String raw = ctx.request().getParam(name);
    if (raw == null || raw.isBlank()) {
      throw ApiException.badParameter(name, "is required (a number of seconds, 0.." + max + ")", raw);
    }
    BigDecimal value = parseDecimal(name, raw, max);
    if (isNegative(value) || exceeds(value, max)) {
      throw ApiException.badParameter(name, "must be between 0 and " + max + " seconds", raw);
    }
    return value.stripTrailingZeros().scale() <= 0 ? (Number) value.longValueExact() : (Number) value.doubleValue();
  }

  /**
   * An optional decimal number of seconds in {@code 0..max}: {@code defaultValue} when the parameter is absent, otherwise
   * as {@link #seconds(RoutingContext, String, int)} (so {@code ?seconds=} with no value is still a 400).
   */
  public static Number seconds(RoutingContext ctx, String name, Number defaultValue, int max) {
    return ctx.request().getParam(name) == null ? defaultValue : seconds(ctx, name, max);
  }

  /** An optional whole number in {@code min..max}, or {@code defaultValue} when absent. */
  public static long wholeNumber(RoutingContext ctx, String name, long defaultValue, long min, long max) {
    String raw = ctx.request().getParam(name);
    if (raw == null) {
      return defaultValue;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw ApiException.badParameter(name, "must be a whole number in " + min + ".." + max, raw);
    }
    if (value < min || value > max) {
      throw ApiException.badParameter(name, "must be in " + min + ".." + max, raw);
    }
    return value;
  }

  public static long toMillis(Number seconds) {
    return new BigDecimal(seconds.toString()).movePointRight(3).longValue();
  }

  private static BigDecimal parseDecimal(String name, String raw, int max) {
    try {
      BigDecimal value = new BigDecimal(raw.trim());
      if (value.scale() > 3) {
        throw ApiException.badParameter(name, "must have at most 3 decimals (millisecond precision)", raw);
      }
      return value;
    } catch (NumberFormatException e) {
      throw ApiException.badParameter(name, "must be a number of seconds, 0.." + max, raw);
    }
  }

  private static boolean isNegative(BigDecimal value) {
    return value.signum() < 0;
  }

  private static boolean exceeds(BigDecimal value, int max) {
    return value.compareTo(BigDecimal.valueOf(max)) > 0;
  }
}
