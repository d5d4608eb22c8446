package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code score}: a deterministic score of a JSON {@code document} (object or array, required). The document is encoded
 * canonically (object keys sorted at every level, no whitespace), hashed with SHA-256 {@code rounds} times
 * (1..{@code compute.maxRounds}, default 20,000), and the score is the first 8 bytes of the last digest, read as an
 * unsigned big-endian number, modulo 1,000,000: an integer in 0..999,999. Same document, same rounds: same score, on
 * any node, whatever the order of its keys.
 */
public final class ScoreJob implements ComputeJob {

  public static final String TYPE = "score";
  public static final String DOCUMENT = "document";
  public static final String ROUNDS = "rounds";
  public static final long DEFAULT_ROUNDS = 20_000;
  public static final long SCORE_RANGE = 1_000_000;

  @Override
  public String type() {
    return TYPE;
  }

  @Override
  public JsonObject validate(JsonObject params, LanesConfig.Compute limits) {
    JobParams.onlyKnown(params, Set.of(DOCUMENT, ROUNDS));
    return new JsonObject()
      .put(DOCUMENT, JobParams.document(params, DOCUMENT))
      .put(ROUNDS, JobParams.wholeNumber(params, ROUNDS, DEFAULT_ROUNDS, 1, limits.maxRounds()));
  }

  @Override
  public Object run(JsonObject params, Deadline deadline) {
    byte[] canonical = canonicalJson(params.getValue(DOCUMENT)).getBytes(StandardCharsets.UTF_8);
    byte[] digest = Sha256Job.chain(canonical, params.getLong(ROUNDS), deadline);
    return Long.remainderUnsigned(ByteBuffer.wrap(digest).getLong(), SCORE_RANGE);
  }

  /** The document with the keys of every object sorted, encoded without whitespace. */
  static String canonicalJson(Object document) {
    Object sorted = sortKeys(document);
    return sorted instanceof JsonObject object ? object.encode() : ((JsonArray) sorted).encode();
  }

  private static Object sortKeys(Object value) {
    if (value instanceof JsonObject object) {
      JsonObject sorted = new JsonObject();
      for (String key : new TreeSet<>(object.fieldNames())) {
        sorted.put(key, sortKeys(object.getValue(key)));
      }
      return sorted;
    }
    if (value instanceof JsonArray array) {
      JsonArray sorted = new JsonArray();
      for (Object item : array) {
        sorted.add(sortKeys(item));
      }
      return sorted;
    }
    return value;
  }
}
