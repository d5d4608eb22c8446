package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.Codecs;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.bus.FailureCodes;
import io.lanes.config.LanesConfig;
import io.lanes.support.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The compute verticle")
class ComputeVerticleTest {

  private static final String NODE = "compute-test-node";
  private static final DeliveryOptions TWO_SECONDS = new DeliveryOptions().setSendTimeout(2000);

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    Codecs.registerOn(vertx.eventBus());
    LanesConfig.Compute compute = LanesConfig.from(new JsonObject()
      .put("compute", new JsonObject().put("instances", 1).put("poolSize", 1).put("maxIterations", 1_000_000))).compute();
    vertx.deployVerticle(() -> new ComputeVerticle(NODE, compute, ComputeJobs.standard()), ComputeVerticle.deploymentOptions(compute))
      .onComplete(testContext.succeedingThenComplete());
  }

  private static JobRequest job(String type, JsonObject params) {
    long now = System.currentTimeMillis();
    return JobRequest.awaited(type, params, now, now + 2000, now + 2000);
  }

  private static void assertRecipientFailure(Throwable failure, int code) {
    ReplyException reply = assertInstanceOf(ReplyException.class, failure);
    assertEquals(ReplyFailure.RECIPIENT_FAILURE, reply.failureType());
    assertEquals(code, reply.failureCode(), reply.getMessage());
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers result, elapsed_ms, node and the lanes-compute thread it ran on")
  void repliesWithResultAndThread(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().<JobResult>request(Addresses.COMPUTE_JOBS, job("primes", new JsonObject().put("limit", 100)), TWO_SECONDS)
      .map(Message::body)
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertEquals(25L, ((Number) reply.result()).longValue());
        assertEquals(NODE, reply.node());
        assertTrue(reply.thread().startsWith(LanesConfig.Compute.POOL_NAME + "-"), reply.thread());
        assertTrue(reply.elapsedMs() >= 0);
        // It yields to the event loops (io.lanes.lane.WorkThreads).
        List<Integer> priorities = Thread.getAllStackTraces().keySet().stream()
          .filter(thread -> thread.getName().equals(reply.thread())).map(Thread::getPriority).toList();
        assertFalse(priorities.isEmpty(), "the compute thread " + reply.thread() + " is alive");
        assertTrue(priorities.stream().allMatch(p -> p == Thread.MIN_PRIORITY), priorities.toString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails with BAD_REQUEST on an unknown type, on parameters over its own limits, and on a message that is no job")
  void failsBadJobsWithBadRequest(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().request(Addresses.COMPUTE_JOBS, job("nope", new JsonObject()), TWO_SECONDS)
      .onComplete(testContext.failing(unknown -> testContext.verify(() -> assertRecipientFailure(unknown, FailureCodes.BAD_REQUEST))))
      .recover(e -> vertx.eventBus().request(Addresses.COMPUTE_JOBS,
        job("sum-mod", new JsonObject().put("iterations", 2_000_000)), TWO_SECONDS))
      .onComplete(testContext.failing(tooMany -> testContext.verify(() -> assertRecipientFailure(tooMany, FailureCodes.BAD_REQUEST))))
      .recover(e -> vertx.eventBus().request(Addresses.COMPUTE_JOBS, "not json", TWO_SECONDS))
      .onComplete(testContext.failing(text -> testContext.verify(() -> {
        assertRecipientFailure(text, FailureCodes.BAD_REQUEST);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails with DEADLINE, without running it, a job whose deadline passed while it waited")
  void failsLateJobsWithDeadline(Vertx vertx, VertxTestContext testContext) {
    long now = System.currentTimeMillis();
    JobRequest late = JobRequest.awaited("sum-mod", new JsonObject(), now - 2, now + 2000, now - 1);
    vertx.eventBus().request(Addresses.COMPUTE_JOBS, late, TWO_SECONDS)
      .onComplete(testContext.failing(failure -> testContext.verify(() -> {
        assertRecipientFailure(failure, FailureCodes.DEADLINE);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("registers again when its cluster merged back, and keeps answering: never without a consumer")
  void registersAgainAfterAMerge(Vertx vertx, VertxTestContext testContext) {
    // a job published to the address runs once per registration: its start reports count them
    AtomicInteger starts = new AtomicInteger();
    String reports = Addresses.computeStarted(NODE);
    vertx.eventBus().consumer(reports, report -> starts.incrementAndGet()).completion()
      .compose(v -> {
        vertx.eventBus().publish(Addresses.CLUSTER_MERGED, null);
        return answered(vertx, 20);
      })
      .compose(v -> {
        vertx.eventBus().publish(Addresses.COMPUTE_JOBS, job("primes", new JsonObject().put("limit", 100)).async("j1", reports));
        return Await.until(vertx, () -> starts.get() >= 2);
      })
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertEquals(2, starts.get(), "registrations after one merge");
        testContext.completeNow();
      })));
  }

  /** {@code left} jobs one after another, each answered (a missing consumer fails with NO_HANDLERS). */
  private static Future<Void> answered(Vertx vertx, int left) {
    if (left == 0) {
      return Future.succeededFuture();
    }
    return vertx.eventBus().<JobResult>request(Addresses.COMPUTE_JOBS, job("primes", new JsonObject().put("limit", 100)), TWO_SECONDS)
      .compose(reply -> vertx.timer(20, TimeUnit.MILLISECONDS))
      .compose(tick -> answered(vertx, left - 1));
  }
}
