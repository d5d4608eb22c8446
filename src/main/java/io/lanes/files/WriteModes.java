package io.lanes.files;

import io.lanes.bus.Addresses;
import io.lanes.bus.FailureCodes;
import io.lanes.bus.WriteDone;
import io.lanes.bus.WriteRequest;
import io.lanes.lane.AsyncLane;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lane;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * The same write of N bytes in each {@link WriteMode}'s lane, all admitted by the {@code files} lane: {@code worker}
 * over the event bus to a {@link FileWriterVerticle} ({@code files.writerInstances} of them), {@code blocking} with
 * {@code executeBlocking} on the pool {@value #BLOCKING_POOL_NAME} of as many threads, {@code async} with
 * {@link AsyncFileWriter} on the event loop, {@code files.asyncWrites} at a time; {@code event-loop} on the calling loop
 * (the anti-pattern, which its caller refuses unless the demo flag is on). One per node.
 *
 * <p>Why {@code blocking} writes get the files lane's threads, not the 100 of the blocking lane: a write is CPU work
 * (copying into the page cache), and 2 cores gain nothing from more writers than the files lane has. On the blocking
 * pool, 50 connections of {@code /write} made 50 writers share 2 cores with the event loops, and {@code /hello} beside
 * them fell to 2,477 req/s with p99 111 ms, where the 4 worker verticles left it 19,712 req/s with p99 14 ms
 * (docs/benchmarks.md, the run before this change). An {@code async} write holds no thread while Vert.x's worker pool
 * writes its chunks, so its bound is its own ({@link AsyncLane}: 8 at a time by default, measured there).
 */
public final class WriteModes {

  /**
   * How much longer than {@code files.writeTimeoutMs} the lane waits for a writer's own answer: a writer stops at the
   * deadline between two chunks, so its answer (and the slot it frees) comes within a chunk's time of it.
   */
  static final long WRITER_GRACE_MS = 5_000;

  /** The worker pool of {@code blocking} writes, {@code files.writerInstances} threads. */
  public static final String BLOCKING_POOL_NAME = "lanes-files-blocking";

  private final EventBus bus;
  private final Lane files;
  private final BlockingLane blockingWrites;
  private final AsyncLane asyncWrites;
  private final ChunkedFileWriter writer;
  private final AsyncFileWriter asyncWriter;
  private final long writeTimeoutMs;
  private final DeliveryOptions writeDelivery;

  /**
   * @param blockingWrites the {@code files} lane on the pool {@value #BLOCKING_POOL_NAME}
   * @param asyncWrites    the {@code files} lane for {@code async} writes, {@code files.asyncWrites} at a time
   */
  public WriteModes(EventBus bus, Lane files, BlockingLane blockingWrites, AsyncLane asyncWrites,
                    ChunkedFileWriter writer, AsyncFileWriter asyncWriter, long writeTimeoutMs) {
    this.bus = bus;
    this.files = files;
    this.blockingWrites = blockingWrites;
    this.asyncWrites = asyncWrites;
    this.writer = writer;
    this.asyncWriter = asyncWriter;
    this.writeTimeoutMs = writeTimeoutMs;
    this.writeDelivery = new DeliveryOptions().setSendTimeout(writeTimeoutMs + WRITER_GRACE_MS);
  }

  /** Writes {@code bytes} bytes in {@code mode}; the future holds how many were written. Call it from an event loop. */
  public Future<Long> write(WriteMode mode, long bytes) {
    return switch (mode) {
      case WORKER -> writeOnWorker(bytes);
      case BLOCKING -> blockingWrites.execute(() -> writer.write(bytes));
      case ASYNC -> asyncWrites.submit(() -> asyncWriter.write(bytes));
      case EVENT_LOOP -> writeOnThisThread(bytes);
    };
  }

  /**
   * The caller is answered at {@code files.writeTimeoutMs} (504), but the lane slot is held until the writer itself
   * answers, which it does at the latest at that deadline plus one chunk: the lane never admits more writes than
   * writers really have in hand.
   */
  private Future<Long> writeOnWorker(long bytes) {
    Future<Long> written = files.submit(admission -> {
      WriteRequest request = new WriteRequest(bytes, admission.admittedAtEpochMs(), admission.startByEpochMs(),
        admission.admittedAtEpochMs() + writeTimeoutMs);
      return bus.<WriteDone>request(Addresses.FILES_WRITE, request, writeDelivery)
        .map(Message::body)
        .andThen(done -> {
          if (done.succeeded()) {
            admission.startedAfter(done.result().waitedMs());
          } else if (FailureCodes.busy(done.cause())) {
            admission.refusedElsewhere();
          }
        })
        .map(WriteDone::bytes);
    });
    return written.timeout(writeTimeoutMs, TimeUnit.MILLISECONDS);
  }

  /** The anti-pattern, on purpose: this thread is an event loop, and it is blocked for the whole write. */
  private Future<Long> writeOnThisThread(long bytes) {
    try {
      return Future.succeededFuture(writer.write(bytes));
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
  }
}
