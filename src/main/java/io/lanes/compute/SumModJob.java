package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/**
 * {@code sum-mod}: {@code sum(i % n for i < iterations)}, the CPU job of the original service. Parameters: {@code n}
 * (1..2^31-1, default 7) and {@code iterations} (0..{@code compute.maxIterations}, default 10,000,000).
 */
public final class SumModJob implements ComputeJob {

  public static final String TYPE = "sum-mod";
  public static final String N = "n";
  public static final String ITERATIONS = "iterations";
  public static final long DEFAULT_N = 7;
  public static final long MAX_N = Integer.MAX_VALUE;
  public static final long DEFAULT_ITERATIONS = 10_000_000;
  /** Iterations between two deadline checks: well under a millisecond of work. */
  private static final long CHECK_EVERY = 1 << 16;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject validate(JsonObject params, LanesConfig.Compute limits) {
    JobParams.onlyKnown(params, Set.of(N, ITERATIONS));
    long n = JobParams.wholeNumber(params, N, DEFAULT_N, 1, MAX_N);
    long iterations = JobParams.wholeNumber(params, ITERATIONS, DEFAULT_ITERATIONS, 0, limits.maxIterations());
    if (n > 1 && iterations > Long.MAX_VALUE / (n - 1)) {
      throw new InvalidJobException(ITERATIONS, "is too large for n = " + n + ": the sum would overflow 64 bits", iterations);
    }
    return new JsonObject().put(N, n).put(ITERATIONS, iterations);
  }

  @Override
  public Object run(JsonObject params, Deadline deadline) {
    return sumMod(params.getLong(N), params.getLong(ITERATIONS), deadline);
  }

  static long sumMod(long n, long iterations, Deadline deadline) {
    long sum = 0;
    long i = 0;
    while (i < iterations) {
      deadline.check();
      long end = Math.min(iterations, i + CHECK_EVERY);
      for (; i < end; i++) {
        sum += i % n;
      }
    }
    return sum;
  }
}
