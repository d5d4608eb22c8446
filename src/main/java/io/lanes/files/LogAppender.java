package io.lanes.files;

import io.lanes.config.LanesConfig;
import io.lanes.lane.WorkThreads;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.Json;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The one appender of {@code <data dir>/log.txt} on a node: lines join a FIFO queue in the order they are accepted and are
 * written by one writer at a time on the single-thread pool {@value #POOL_NAME}, in batches, so they never interleave,
 * tear or change order. At most {@code files.logQueueBytes} of lines wait at once; past that {@link #append} refuses.
 * Every write call ends on a line boundary, so a crash (SIGKILL) between two calls never leaves half a line behind.
 * When a write fails (the data directory is gone or unwritable) the appender is {@link #failing()} until a
 * {@link #probe()} finds the file writable again.
 */
public final class LogAppender {

  public static final String POOL_NAME = "lanes-log";
  public static final String FILE_NAME = "log.txt";

  private static final int MAX_BATCH_LINES = 1024;
  private static final int WRITE_BUFFER_BYTES = 64 * 1024;
  private static final long PROBE_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);

  private final Path file;
  private final WorkerExecutor executor;
  private final long maxQueuedBytes;
  private final boolean fsync;
  private final Queue<Line> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong queuedBytes = new AtomicLong();
  private final Object writing = new Object();
  private final AtomicLong lastProbe = new AtomicLong(System.nanoTime() - PROBE_INTERVAL_NANOS);
  private volatile boolean failing;

  LogAppender(Path file, WorkerExecutor executor, long maxQueuedBytes, boolean fsync) {
    this.file = file;
    this.executor = executor;
    this.maxQueuedBytes = maxQueuedBytes;
    this.fsync = fsync;
  }

  /** The node's appender of {@code <files.dataDir>/log.txt}, on its own pool of one thread. */
  public static LogAppender create(Vertx vertx, LanesConfig.Files files) {
    return new LogAppender(Path.of(files.dataDir()).resolve(FILE_NAME), vertx.createSharedWorkerExecutor(POOL_NAME, 1),
      files.logQueueBytes(), files.fsync());
  }

  /** One line for {@code message} accepted {@code at}: the ISO timestamp, a space, the message as a JSON string. */
  public static String line(Instant at, String message) {
    return at + " " + Json.encode(message) + "\n";
  }

  /**
   * Queues {@code line} (one whole line, ending in a newline) behind every line accepted before it. The future completes
   * once it is in the file. Throws {@link LogFullException} at once when the queue is over its byte bound.
   */
  public Future<Void> append(String line) {
    byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
    if (queuedBytes.addAndGet(bytes.length) > maxQueuedBytes) {
      queuedBytes.addAndGet(-bytes.length);
      throw new LogFullException(maxQueuedBytes);
    }
    Line queued = new Line(bytes);
    queue.add(queued);
    // Each append submits a task, but the first to run writes every queued line: the rest find theirs written.
    return executor.executeBlocking(() -> {
      WorkThreads.yieldToEventLoops();
      writeThrough(queued);
      return null;
    }, false);
  }

  /** Bytes of lines accepted but not yet written. */
  public long queuedBytes() {
    return queuedBytes.get();
  }

  /** Whether the last write of the file failed: callers should refuse new lines (they would be lost) until it recovers. */
  public boolean failing() {
    return failing;
  }

  /**
   * While {@link #failing()}: checks, at most once a second and off the caller's thread, whether the file can be opened
   * for appending again (nothing is written); clears {@link #failing()} when it can.
   */
  public void probe() {
    long last = lastProbe.get();
    long now = System.nanoTime();
    if (!failing || now - last < PROBE_INTERVAL_NANOS || !lastProbe.compareAndSet(last, now)) {
      return;
    }
    executor.executeBlocking(() -> {
      WorkThreads.yieldToEventLoops();
      synchronized (writing) {
        try (FileChannel channel = open()) {
          failing = false;
        }
      }
      return null;
    }, false);
  }

  private FileChannel open() throws IOException {
    return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
  }

  private void writeThrough(Line own) throws IOException {
    synchronized (writing) {
      while (!own.done) {
        writeBatch();
      }
      if (own.failure != null) {
        throw own.failure;
      }
    }
  }

  /** Writes the oldest queued lines (up to a batch) in order, then marks each written or failed. */
  private void writeBatch() {
    List<Line> batch = new ArrayList<>();
    Line next;
    while (batch.size() < MAX_BATCH_LINES && (next = queue.poll()) != null) {
      batch.add(next);
    }
    if (batch.isEmpty()) {
      // A line is queued before its task is submitted and leaves the queue only here: unreachable.
      throw new IllegalStateException("log line missing from the queue");
    }
    IOException failure = null;
    try (FileChannel channel = open()) {
      ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_BYTES);
      for (Line line : batch) {
        if (line.bytes.length > buffer.remaining()) {
          writeFully(channel, buffer.flip());
          buffer.clear();
        }
        if (line.bytes.length > buffer.capacity()) {
          writeFully(channel, ByteBuffer.wrap(line.bytes));
        } else {
          buffer.put(line.bytes);
        }
      }
      writeFully(channel, buffer.flip());
      if (fsync) {
        channel.force(false);
      }
    } catch (IOException e) {
      failure = e;
    } catch (RuntimeException e) {
      failure = new IOException(e);
    }
    failing = failure != null;
    for (Line line : batch) {
      line.done = true;
      line.failure = failure;
      queuedBytes.addAndGet(-line.bytes.length);
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buffer) throws IOException {
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
  }

  /** A queued line; its fields are guarded by {@code writing}. */
  private static final class Line {
    private final byte[] bytes;
    private boolean done;
    private IOException failure;

    private Line(byte[] bytes) {
      this.bytes = bytes;
    }
  }
}
