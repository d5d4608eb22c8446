package io.lanes.compute;

import io.lanes.config.LanesConfig;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The compute job types")
class ComputeJobsTest {

  private static final LanesConfig.Compute LIMITS = LanesConfig.from(new JsonObject()).compute();
  private static final Deadline NEVER = new Deadline(Long.MAX_VALUE);
  private static final Deadline PASSED = new Deadline(0);

  private final ComputeJobs jobs = ComputeJobs.standard();

  private Object run(String type, JsonObject params) {
    ComputeJob job = jobs.require(type);
    return job.run(job.validate(params, LIMITS), NEVER);
  }

  /** sum(i % n for i < iterations) in closed form: q full cycles of 0..n-1, then 0..r-1. */
  static long closedForm(long n, long iterations) {
    long cycles = iterations / n;
    long rest = iterations % n;
    return cycles * (n * (n - 1) / 2) + rest * (rest - 1) / 2;
  }

  @Test
  @DisplayName("sum-mod equals the closed form, with the original's defaults n = 7 and 10,000,000 iterations")
  void sumModMatchesClosedForm() {
    long[][] cases = {{7, 10_000_000}, {1, 1000}, {2, 0}, {3, 1}, {13, 65_537}, {1_000_003, 3_000_000}, {7, 1 << 16}};
    for (long[] c : cases) {
      assertEquals(closedForm(c[0], c[1]), run("sum-mod", new JsonObject().put("n", c[0]).put("iterations", c[1])),
        "n=" + c[0] + " iterations=" + c[1]);
    }
    assertEquals(closedForm(7, 10_000_000), run("sum-mod", new JsonObject()));
  }

  @Test
  @DisplayName("primes counts the primes up to the limit, across segment boundaries")
  void primesMatchesKnownCounts() {
    long[][] known = {{0, 0}, {1, 0}, {2, 1}, {10, 4}, {100, 25}, {65_536, 6542}, {65_537, 6543}, {1_000_000, 78_498},
      {10_000_000, 664_579}};
    for (long[] k : known) {
      assertEquals(k[1], run("primes", new JsonObject().put("limit", k[0])), "pi(" + k[0] + ")");
    }
  }

  @Test
  @DisplayName("sha256 equals a plain MessageDigest loop over the seed")
  void sha256MatchesJdkDigest() throws Exception {
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] digest = "hello lanes".getBytes(StandardCharsets.UTF_8);
    for (int i = 0; i < 5000; i++) {
      digest = sha256.digest(digest);
    }
    assertEquals(HexFormat.of().formatHex(digest), run("sha256", new JsonObject().put("seed", "hello lanes").put("rounds", 5000)));
    assertEquals(HexFormat.of().formatHex(sha256.digest("x".getBytes(StandardCharsets.UTF_8))),
      run("sha256", new JsonObject().put("seed", "x").put("rounds", 1)));
  }

  @Test
  @DisplayName("score is deterministic, ignores key order, and changes with the document")
  void scoreIsAFunctionOfTheDocument() {
    JsonObject document = new JsonObject().put("b", 2).put("a", new JsonObject().put("y", true).put("x", new JsonArray().add(1).add("z")));
    JsonObject reordered = new JsonObject().put("a", new JsonObject().put("x", new JsonArray().add(1).add("z")).put("y", true)).put("b", 2);
    Object score = run("score", new JsonObject().put("document", document).put("rounds", 100));
    assertEquals("{\"a\":{\"x\":[1,\"z\"],\"y\":true},\"b\":2}", ScoreJob.canonicalJson(document));
    assertEquals(score, run("score", new JsonObject().put("document", reordered).put("rounds", 100)));
    assertNotEquals(score, run("score", new JsonObject().put("document", document.copy().put("b", 3)).put("rounds", 100)));
    long value = (Long) score;
    assertTrue(value >= 0 && value < ScoreJob.SCORE_RANGE, "score in 0..999999: " + value);
  }

  @Test
  @DisplayName("every job stops with a deadline failure once its deadline has passed")
  void jobsStopAtTheirDeadline() {
    JsonObject[] requests = {
      new JsonObject().put("type", "sum-mod"),
      new JsonObject().put("type", "primes"),
      new JsonObject().put("type", "sha256"),
      new JsonObject().put("type", "score").put("document", new JsonObject())};
    for (JsonObject request : requests) {
      ComputeJob job = jobs.require(request.remove("type"));
      JsonObject params = job.validate(request, LIMITS);
      assertThrows(DeadlineExceededException.class, () -> job.run(params, PASSED), job.type());
    }
  }

  @Test
  @DisplayName("refuses bad parameters, naming the field")
  void refusesBadParameters() {
    assertField("type", () -> jobs.require(null));
    assertField("type", () -> jobs.require("nope"));
    assertField("type", () -> jobs.require(42));
    assertField("n", () -> jobs.validate("sum-mod", new JsonObject().put("n", 0), LIMITS));
    assertField("n", () -> jobs.validate("sum-mod", new JsonObject().put("n", 1.5), LIMITS));
    assertField("n", () -> jobs.validate("sum-mod", new JsonObject().put("n", "7"), LIMITS));
    assertField("iterations", () -> jobs.validate("sum-mod", new JsonObject().put("iterations", LIMITS.maxIterations() + 1), LIMITS));
    assertField("iterations", () -> jobs.validate("sum-mod", new JsonObject().put("iterations", -1), LIMITS));
    assertField("iteration", () -> jobs.validate("sum-mod", new JsonObject().put("iteration", 5), LIMITS));
    assertField("limit", () -> jobs.validate("primes", new JsonObject().put("limit", LIMITS.maxLimit() + 1), LIMITS));
    assertField("rounds", () -> jobs.validate("sha256", new JsonObject().put("rounds", 0), LIMITS));
    assertField("seed", () -> jobs.validate("sha256", new JsonObject().put("seed", 12), LIMITS));
    assertField("document", () -> jobs.validate("score", new JsonObject(), LIMITS));
    assertField("document", () -> jobs.validate("score", new JsonObject().put("document", "text"), LIMITS));
    assertField("rounds", () -> jobs.validate("score", new JsonObject().put("document", new JsonObject())
      .put("rounds", LIMITS.maxRounds() + 1), LIMITS));
    assertEquals(new JsonObject().put("n", 7L).put("iterations", 1000L),
      jobs.validate("sum-mod", new JsonObject().put("n", 7.0).put("iterations", 1000), LIMITS), "7.0 is a whole number");
  }

  private static void assertField(String field, org.junit.jupiter.api.function.Executable call) {
    InvalidJobException error = assertThrows(InvalidJobException.class, call);
    assertEquals(field, error.field(), error.getMessage());
  }
}
