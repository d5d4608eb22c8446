package io.lanes.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.concurrent.atomic.AtomicReference;

/**
 * With {@code LANES_TEST_FAIL_FAST=1} in the environment, the first failing test (or class) of a test JVM skips every
 * test after it: scripts/mutate sets it, since one red test kills a mutant, and the rest of the suite on a mutant only
 * costs minutes (or hangs, when the mutation breaks what a later test waits for). Without it, this does nothing.
 * Surefire's own {@code skipAfterFailureCount} needs JUnit Platform 6 for JUnit tests; this is the same rule for JUnit 5.
 * Registered for every test class through {@code META-INF/services}.
 */
public final class FailFast implements ExecutionCondition, AfterEachCallback, AfterAllCallback {

  private static final boolean ON = "1".equals(System.getenv("LANES_TEST_FAIL_FAST"));
  private static final AtomicReference<String> FIRST_FAILURE = new AtomicReference<>();

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    String failed = FIRST_FAILURE.get();
    return failed == null
      ? ConditionEvaluationResult.enabled("no test has failed")
      : ConditionEvaluationResult.disabled("LANES_TEST_FAIL_FAST: skipped after " + failed + " failed");
  }

  @Override
  public void afterEach(ExtensionContext context) {
    note(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    note(context);
  }

  private static void note(ExtensionContext context) {
    if (ON && context.getExecutionException().isPresent()) {
      FIRST_FAILURE.compareAndSet(null, context.getUniqueId());
    }
  }
}
