package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;

/**
 * {@code sha256}: hashes {@code seed} (a string of at most 1024 characters, default {@code "lanes"}, UTF-8) {@code rounds}
 * times (1..{@code compute.maxRounds}, default 100,000), each round hashing the previous 32-byte digest; the result is the
 * last digest in lowercase hex.
 */
public final class Sha256Job implements ComputeJob {

  public static final String TYPE = "sha256";
  public static final String SEED = "seed";
  public static final String ROUNDS = "rounds";
  public static final String DEFAULT_SEED = "lanes";
  public static final long DEFAULT_ROUNDS = 100_000;
  public static final int MAX_SEED_CHARS = 1024;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject validate(JsonObject params, LanesConfig.Compute limits) {
    JobParams.onlyKnown(params, Set.of(SEED, ROUNDS));
    return new JsonObject()
      .put(SEED, JobParams.text(params, SEED, DEFAULT_SEED, MAX_SEED_CHARS))
      .put(ROUNDS, JobParams.wholeNumber(params, ROUNDS, DEFAULT_ROUNDS, 1, limits.maxRounds()));
  }

  @Override
  public Object run(JsonObject params, Deadline deadline) {
    byte[] seed = params.getString(SEED).getBytes(StandardCharsets.UTF_8);
    return HexFormat.of().formatHex(chain(seed, params.getLong(ROUNDS), deadline));
  }

  /** SHA-256 applied {@code rounds} times, starting from {@code input}; the deadline is checked every 4096 rounds. */
  static byte[] chain(byte[] input, long rounds, Deadline deadline) {
    MessageDigest sha256 = newDigest();
    byte[] digest = input;
    for (long round = 0; round < rounds; round++) {
      if ((round & 0xFFF) == 0) {
        deadline.check();
      }
      digest = sha256.digest(digest);
    }
    return digest;
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java runtime has SHA-256", e);
    }
  }
}
