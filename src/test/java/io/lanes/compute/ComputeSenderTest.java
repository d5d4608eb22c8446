package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.Codecs;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.lane.Lane;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

@ExtendWith(VertxExtension.class)
@DisplayName("The compute sender")
class ComputeSenderTest {

  private static final long TIMEOUT_MS = 500;
  /** The consumer answers this long after the job's deadline: within the sender's grace, so its answer must win. */
  private static final long LATE_BY_MS = 10;

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("waits past the job's deadline, so the job's own deadline failure reaches the caller, not a bare timeout")
  void theJobsOwnDeadlineAnswerWins(Vertx vertx, VertxTestContext testContext) {
    Codecs.registerOn(vertx.eventBus());
    // Consumer, sender and both timers on one event loop: timers there fire in deadline order, however busy the
    // machine, so the outcome depends only on the grace, never on scheduling.
    Context loop = vertx.getOrCreateContext();
    Promise<JobResult> answer = Promise.promise();
    loop.runOnContext(go -> {
      vertx.eventBus().<JobRequest>consumer(Addresses.COMPUTE_JOBS, message -> {
        long untilLate = Math.max(1, message.body().deadlineEpochMs() + LATE_BY_MS - System.currentTimeMillis());
        vertx.setTimer(untilLate, late -> message.fail(FailureCodes.DEADLINE, "job sum-mod passed its deadline"));
      }).completion()
        .compose(registered -> {
          ComputeSender sender = new ComputeSender(vertx.eventBus(),
            new Lane("compute", () -> 1, 2000, 10, 1000, Lane.WaitRecorder.NONE), TIMEOUT_MS);
          return sender.run("sum-mod", new JsonObject());
        })
        .onComplete(answer);
    });
    answer.future().transform(Future::succeededFuture)
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        ReplyException failure = assertInstanceOf(ReplyException.class, done.cause(), String.valueOf(done.cause()));
        assertEquals(ReplyFailure.RECIPIENT_FAILURE, failure.failureType(),
          "the bare event-bus timeout beat the job's own answer: " + failure.getMessage());
        assertEquals(FailureCodes.DEADLINE, failure.failureCode());
        testContext.completeNow();
      })));
  }
}
