package io.lanes.compute;

import io.lanes.bus.Addresses;
import io.lanes.bus.Codecs;
import io.lanes.bus.JobRequest;
import io.lanes.bus.JobResult;
import io.lanes.bus.JobStarted;
import io.lanes.lane.Lane;
import io.lanes.lifecycle.BackgroundWork;
import io.lanes.registry.Registries;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The async-job store of a node ({@code node-a}) against a stand-in compute node ({@code node-c}) on one Vert.x: a
 * consumer of {@link Addresses#COMPUTE_JOBS} that reports the start and then answers, or never answers (its node died
 * silently), with a membership the test controls, so the verdict does not wait for a real failure detector.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The async-job store")
class JobStoreTest {

  private static final String SELF = "node-a";
  private static final String COMPUTE = "node-c";
  private static final long TIMEOUT_MS = 300;
  /** The failure detection time the store is told: how long a silent node may still look alive. */
  private static final long DETECTION_MS = 3000;

  private final AtomicBoolean computeLive = new AtomicBoolean(true);
  private Vertx vertx;
  private JobStore store;

  @BeforeEach
  void store(Vertx vertx) {
    this.vertx = vertx;
    Codecs.registerOn(vertx.eventBus());
    ComputeSender sender = new ComputeSender(vertx.eventBus(),
      new Lane("compute", () -> 8, 10_000, 100, 1000, Lane.WaitRecorder.NONE), TIMEOUT_MS);
    Predicate<String> isLive = node -> !COMPUTE.equals(node) || computeLive.get();
    store = new JobStore(vertx, sender, Registries.local(100, 60_000, JobStore.terminalStates()), new BackgroundWork(),
      SELF, isLive, DETECTION_MS);
    vertx.eventBus().<Object>localConsumer(Addresses.computeStarted(SELF), store::started);
  }

  /** A stand-in compute verticle: {@code behaviour} gets each job. */
  private Future<Void> computeNode(Consumer<Message<JobRequest>> behaviour) {
    return vertx.eventBus().<JobRequest>localConsumer(Addresses.COMPUTE_JOBS, behaviour::accept).completion();
  }

  private void reportStart(JobRequest job, long at) {
    vertx.eventBus().send(job.reportStartTo(), new JobStarted(job.id(), COMPUTE, "lanes-compute-0", at));
  }

  /** The job's state once {@code done} holds, asked every 20 ms. */
  private Future<JsonObject> until(String id, Predicate<JsonObject> done) {
    return store.status(id).compose(state -> state != null && done.test(state)
      ? Future.succeededFuture(state)
      : vertx.timer(20, TimeUnit.MILLISECONDS).compose(tick -> until(id, done)));
  }

  private static Predicate<JsonObject> in(String... states) {
    Set<String> wanted = Set.of(states);
    return state -> wanted.contains(state.getString("state"));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("fails a job whose node the cluster notices gone only after its deadline, instead of timed_out")
  void aNodeNoticedGoneAfterTheDeadlineFailsTheJob(VertxTestContext testContext) {
    long[] deadlinePassed = new long[1];
    computeNode(message -> reportStart(message.body(), System.currentTimeMillis()))
      .compose(ready -> store.submit("sum-mod", new JsonObject()))
      .compose(id -> until(id, in("running")))
      // past the deadline (and the event bus's grace): no answer came, the node still counts as live
      .compose(running -> vertx.timer(TIMEOUT_MS + 400, TimeUnit.MILLISECONDS).compose(tick -> store.status(
        running.getString("id"))))
      .compose(waiting -> {
        testContext.verify(() -> assertEquals("running", waiting.getString("state"),
          "decided before the cluster could tell whether its node is alive: " + waiting.encode()));
        deadlinePassed[0] = System.nanoTime();
        computeLive.set(false);
        return store.nodeLeft(COMPUTE).compose(left -> until(waiting.getString("id"), in("failed", "timed_out")));
      })
      .onComplete(testContext.succeeding(ended -> testContext.verify(() -> {
        assertEquals("failed", ended.getString("state"), ended.encode());
        assertEquals("node " + COMPUTE + " left the cluster", ended.getString("error"));
        assertNotNull(ended.getValue("started_at"), "the job lost its start: " + ended.encode());
        long afterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - deadlinePassed[0]);
        assertTrue(afterMs < 1000, "the verdict took " + afterMs + " ms after the departure");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("times a job out when its node, silent past the deadline, is still a member after the detection time")
  void aLiveSilentNodeTimesTheJobOut(VertxTestContext testContext) {
    long[] submittedAt = new long[1];
    computeNode(message -> reportStart(message.body(), System.currentTimeMillis()))
      .compose(ready -> {
        submittedAt[0] = System.nanoTime();
        return store.submit("sum-mod", new JsonObject());
      })
      .compose(id -> until(id, in("done", "failed", "timed_out")))
      .onComplete(testContext.succeeding(ended -> testContext.verify(() -> {
        assertEquals("timed_out", ended.getString("state"), ended.encode());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - submittedAt[0]);
        assertTrue(tookMs >= TIMEOUT_MS + DETECTION_MS, "decided after " + tookMs + " ms, before the detection time");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 15, timeUnit = TimeUnit.SECONDS)
  @DisplayName("keeps started_at on a done job whose start report arrives after its answer")
  void aLateStartReportKeepsTheStart(VertxTestContext testContext) {
    long startedAt = System.currentTimeMillis() - 5;
    computeNode(message -> {
      message.reply(new JobResult(7, 1, COMPUTE, "lanes-compute-0", 0, startedAt));
      vertx.setTimer(200, late -> reportStart(message.body(), startedAt));
    })
      .compose(ready -> store.submit("sum-mod", new JsonObject()))
      .compose(id -> until(id, in("done")))
      .compose(done -> vertx.timer(400, TimeUnit.MILLISECONDS).compose(tick -> store.status(done.getString("id"))))
      .onComplete(testContext.succeeding(done -> testContext.verify(() -> {
        assertEquals("done", done.getString("state"), done.encode());
        assertEquals(startedAt, done.getLong("started_at"), done.encode());
        assertEquals(COMPUTE, done.getString("node"));
        assertEquals(SELF, done.getString(JobStore.ACCEPTED_BY));
        testContext.completeNow();
      })));
  }
}
