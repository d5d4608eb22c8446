package io.lanes.files;

import io.lanes.config.LanesConfig;
import io.netty.buffer.Unpooled;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.CopyOptions;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * The {@code async} mode of {@code /write}: the same temp-file life cycle as {@link ChunkedFileWriter}, done with Vert.x
 * {@link AsyncFile} from the event loop, never blocking it. Every chunk is a view of one read-only buffer of {@code a}s
 * that all writes of the node share (direct unless {@code files.buffer} is {@code heap}: Vert.x hands a direct buffer
 * to the file channel as it is, a heap one the JDK copies into a temporary direct buffer on every write call), and
 * back-pressure keeps at most {@value #QUEUED_CHUNKS} chunk queued in the file at any time, so memory stays O(chunk)
 * however large and however many the writes.
 */
public final class AsyncFileWriter {

  /**
   * Chunks the file may have queued before the pump waits for its drain handler: one. Vert.x hands each queued chunk to
   * its worker pool as its own positioned write, so more than one means writes to the same file at once, and they take
   * turns on the file's lock in the kernel. A kernel profile (perf, 50 connections of 16 MiB async writes) showed 4
   * queued chunks spending 9-11% of all CPU spinning on that lock ({@code rwsem_spin_on_owner} under
   * {@code ext4_buffered_write_iter}); with one it is gone, and 8 writes at a time with one chunk each did 230-282
   * writes/s where 4 chunks each did 208-223 (side by side, the same rounds; see {@link io.lanes.lane.AsyncLane}).
   */
  static final int QUEUED_CHUNKS = 1;

  private final Vertx vertx;
  private final Path dataDir;
  private final Buffer chunk;
  private final boolean fsync;
  private final boolean keep;
  private final Function<String, Future<AsyncFile>> opener;

  AsyncFileWriter(Vertx vertx, Path dataDir, int chunkBytes, boolean fsync, boolean keep) {
    this(vertx, dataDir, chunk(chunkBytes, true), fsync, keep, opener(vertx));
  }

  /** With {@code opener} creating and opening the temp file (tests watch what is done to it). */
  AsyncFileWriter(Vertx vertx, Path dataDir, int chunkBytes, boolean fsync, boolean keep,
                  Function<String, Future<AsyncFile>> opener) {
    this(vertx, dataDir, chunk(chunkBytes, true), fsync, keep, opener);
  }

  private AsyncFileWriter(Vertx vertx, Path dataDir, Buffer chunk, boolean fsync, boolean keep,
                          Function<String, Future<AsyncFile>> opener) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.chunk = chunk;
    this.fsync = fsync;
    this.keep = keep;
    this.opener = opener;
  }

  public static AsyncFileWriter from(Vertx vertx, LanesConfig.Files files) {
    return new AsyncFileWriter(vertx, Path.of(files.dataDir()), chunk(files.chunkBytes(), files.directBuffer()),
      files.fsync(), files.keep(), opener(vertx));
  }

  private static Function<String, Future<AsyncFile>> opener(Vertx vertx) {
    return temp -> vertx.fileSystem().open(temp, new OpenOptions().setWrite(true).setCreateNew(true));
  }

  /**
   * One chunk of {@code a}s as a Vert.x buffer over {@link ChunkedFileWriter#fill}'s read-only buffer: no write can
   * change it, so every write of the node shares it.
   */
  static Buffer chunk(int chunkBytes, boolean direct) {
    return BufferInternal.buffer(Unpooled.wrappedBuffer(ChunkedFileWriter.fill(chunkBytes, direct)));
  }

  /** Writes {@code bytes} bytes; the future holds how many were written. Call it from an event loop. */
  public Future<Long> write(long bytes) {
    return writeWith(file -> new ChunkPump(file, bytes, chunk).start());
  }

  /** The temp-file life cycle around {@code content}; tests use it to fail a write half-way. */
  Future<Long> writeWith(Function<AsyncFile, Future<Long>> content) {
    FileSystem fs = vertx.fileSystem();
    Path temp = TempFiles.newTemp(dataDir);
    String tempName = temp.toString();
    return opener.apply(tempName)
      .compose(file -> closeAfter(file, content.apply(file).compose(written -> forced(file, written)))
        .compose(written -> finish(fs, temp).map(written))
        .recover(failure -> fs.delete(tempName).transform(deleted -> Future.failedFuture(failure))));
  }

  private Future<Long> forced(AsyncFile file, long written) {
    return fsync ? file.flush().map(written) : Future.succeededFuture(written);
  }

  /** Closes {@code file} once {@code written} completes, either way; a failed close fails a successful write. */
  private static Future<Long> closeAfter(AsyncFile file, Future<Long> written) {
    return written.transform(result -> file.close().transform(closed -> {
      if (result.failed()) {
        return Future.failedFuture(result.cause());
      }
      return closed.failed() ? Future.failedFuture(closed.cause()) : Future.succeededFuture(result.result());
    }));
  }

  private Future<Void> finish(FileSystem fs, Path temp) {
    if (keep) {
      return fs.move(temp.toString(), TempFiles.finalNameOf(temp).toString(), new CopyOptions().setAtomicMove(true));
    }
    return fs.delete(temp.toString());
  }

  /**
   * Writes N bytes to an {@link AsyncFile} in chunks of one shared, never-modified buffer, stopping whenever the file's
   * write queue is full and resuming from its drain handler. Confined to the event loop that opened the file.
   */
  static final class ChunkPump {

    private final AsyncFile file;
    private final long bytes;
    private final Buffer chunk;
    private final Promise<Long> done = Promise.promise();
    private long remaining;
    private int pending;
    private int maxPending;
    private boolean failed;

    ChunkPump(AsyncFile file, long bytes, int chunkBytes) {
      this(file, bytes, AsyncFileWriter.chunk(chunkBytes, true));
    }

    /** {@code chunk} is shared and never modified: each write gets it whole, the last one a slice of it. */
    ChunkPump(AsyncFile file, long bytes, Buffer chunk) {
      this.file = file;
      this.bytes = bytes;
      this.remaining = bytes;
      this.chunk = chunk;
    }

    Future<Long> start() {
      file.setWriteQueueMaxSize(chunk.length() * QUEUED_CHUNKS);
      file.drainHandler(v -> writeMore());
      writeMore();
      return done.future();
    }

    /**
     * The most chunks this pump ever had written but not yet acknowledged: {@link AsyncFileWriter#QUEUED_CHUNKS} plus at most one, as
     * the file calls its drain handler just before the callback of the write that made room.
     */
    int maxPending() {
      return maxPending;
    }

    private void writeMore() {
      while (remaining > 0 && !failed && !file.writeQueueFull()) {
        int size = (int) Math.min(chunk.length(), remaining);
        remaining -= size;
        pending++;
        maxPending = Math.max(maxPending, pending);
        file.write(size == chunk.length() ? chunk : chunk.slice(0, size)).onComplete(this::written);
      }
      completeWhenAllWritten();
    }

    private void written(AsyncResult<Void> result) {
      pending--;
      if (result.failed()) {
        failed = true;
        done.tryFail(result.cause());
      }
      completeWhenAllWritten();
    }

    private void completeWhenAllWritten() {
      if (remaining == 0 && pending == 0 && !failed) {
        done.tryComplete(bytes);
      }
    }
  }
}
