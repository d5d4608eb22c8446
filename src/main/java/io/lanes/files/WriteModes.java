package io.lanes.files;

import io.lanes.bus.Addresses;
import io.lanes.bus.WriteDone;
import io.lanes.bus.WriteRequest;
import io.lanes.lane.BlockingLane;
import io.lanes.lane.Lane;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.eventbus.Message;

import java.io.IOException;

/**
 * The same write of N bytes in each {@link WriteMode}'s lane: {@code worker} over the event bus to a
 * {@link FileWriterVerticle} and {@code async} with {@link AsyncFileWriter}, both admitted by the {@code files} lane;
 * {@code blocking} on the blocking lane; {@code event-loop} on the calling loop (the anti-pattern, which its caller
 * refuses unless the demo flag is on). One per node.
 */
public final class WriteModes {

  private final EventBus bus;
  private final Lane files;
  private final BlockingLane blocking;
  private final ChunkedFileWriter writer;
  private final AsyncFileWriter asyncWriter;
  private final DeliveryOptions writeDelivery;

  public WriteModes(EventBus bus, Lane files, BlockingLane blocking, ChunkedFileWriter writer,
                    AsyncFileWriter asyncWriter, long writeTimeoutMs) {
    this.bus = bus;
    this.files = files;
    this.blocking = blocking;
    this.writer = writer;
    this.asyncWriter = asyncWriter;
    this.writeDelivery = new DeliveryOptions().setSendTimeout(writeTimeoutMs);
  }

  /** Writes {@code bytes} bytes in {@code mode}; the future holds how many were written. Call it from an event loop. */
  public Future<Long> write(WriteMode mode, long bytes) {
    return switch (mode) {
      case WORKER -> files.submit(() -> writeOnWorker(bytes));
      case BLOCKING -> blocking.execute(() -> writer.write(bytes));
      case ASYNC -> files.submit(() -> asyncWriter.write(bytes));
      case EVENT_LOOP -> writeOnThisThread(bytes);
    };
  }

  private Future<Long> writeOnWorker(long bytes) {
    return bus.<WriteDone>request(Addresses.FILES_WRITE, new WriteRequest(bytes), writeDelivery)
      .map(Message::body)
      .map(WriteDone::bytes);
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
