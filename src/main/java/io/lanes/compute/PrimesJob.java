package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonObject;

import java.util.Arrays;
import java.util.Set;

/**
 * {@code primes}: how many primes are {@code <= limit} (0..{@code compute.maxLimit}, default 1,000,000), by a segmented
 * sieve of Eratosthenes: memory stays one 64 KiB segment plus the primes up to sqrt(limit), whatever the limit.
 */
public final class PrimesJob implements ComputeJob {

  public static final String TYPE = "primes";
  public static final String LIMIT = "limit";
  public static final long DEFAULT_LIMIT = 1_000_000;
  /** Numbers per segment; the deadline is checked once per segment. */
  private static final int SEGMENT = 1 << 16;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject validate(JsonObject params, LanesConfig.Compute limits) {
    JobParams.onlyKnown(params, Set.of(LIMIT));
    return new JsonObject().put(LIMIT, JobParams.wholeNumber(params, LIMIT, DEFAULT_LIMIT, 0, limits.maxLimit()));
  }

  @Override
  public Object run(JsonObject params, Deadline deadline) {
    return countPrimes(params.getLong(LIMIT), deadline);
  }

  static long countPrimes(long limit, Deadline deadline) {
    if (limit < 2) {
      return 0;
    }
    int[] basePrimes = primesUpTo((int) Math.sqrt((double) limit) + 1);
    boolean[] composite = new boolean[SEGMENT];
    long count = 0;
    for (long low = 2; low <= limit; low += SEGMENT) {
      deadline.check();
      long high = Math.min(low + SEGMENT - 1, limit);
      int size = (int) (high - low + 1);
      Arrays.fill(composite, 0, size, false);
      for (int p : basePrimes) {
        long square = (long) p * p;
        if (square > high) {
          break;
        }
        long first = Math.max(square, (low + p - 1) / p * p);
        for (long multiple = first; multiple <= high; multiple += p) {
          composite[(int) (multiple - low)] = true;
        }
      }
      for (int i = 0; i < size; i++) {
        if (!composite[i]) {
          count++;
        }
      }
    }
    return count;
  }

  /** The primes {@code <= max} by a plain sieve (max is at most about 46,341 here). */
  private static int[] primesUpTo(int max) {
    boolean[] composite = new boolean[max + 1];
    int[] primes = new int[max + 1];
    int found = 0;
    for (int i = 2; i <= max; i++) {
      if (!composite[i]) {
        primes[found++] = i;
        for (long multiple = (long) i * i; multiple <= max; multiple += i) {
          composite[(int) multiple] = true;
        }
      }
    }
    return Arrays.copyOf(primes, found);
  }
}
