package io.lanes.files;

import io.lanes.config.LanesConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The blocking write behind the {@code worker}, {@code blocking} and {@code event-loop} modes: N bytes streamed in
 * {@code files.chunkBytes} chunks from one buffer of {@code a}s that every write of the node shares, read-only (memory
 * O(chunk), whatever the size and the number of writes), into a temp file of the data directory,
 * forced to disk when {@code files.fsync}, then deleted or, with {@code files.keep}, renamed atomically to its final
 * name. The temp file is removed on every failure path. Plain {@code java.nio}: call it only where blocking is allowed.
 */
public final class ChunkedFileWriter {

  private static final Logger LOG = LoggerFactory.getLogger(ChunkedFileWriter.class);
  private static final byte FILL = 'a';

  private final Path dataDir;
  private final ByteBuffer fill;
  private final boolean fsync;
  private final boolean keep;
  private final Opener opener;

  ChunkedFileWriter(Path dataDir, int chunkBytes, boolean fsync, boolean keep) {
    this(dataDir, fill(chunkBytes, false), fsync, keep, ChunkedFileWriter::createNew);
  }

  /** With {@code opener} creating the temp file's channel (tests watch what is done to it). */
  ChunkedFileWriter(Path dataDir, int chunkBytes, boolean fsync, boolean keep, Opener opener) {
    this(dataDir, fill(chunkBytes, false), fsync, keep, opener);
  }

  private ChunkedFileWriter(Path dataDir, ByteBuffer fill, boolean fsync, boolean keep, Opener opener) {
    this.dataDir = dataDir;
    this.fill = fill;
    this.fsync = fsync;
    this.keep = keep;
    this.opener = opener;
  }

  /**
   * The node's writer: chunks of {@code files.chunkBytes}, from a direct buffer when {@code files.buffer} is
   * {@code direct} (the kernel copies it straight into the page cache; a heap buffer is first copied by the JDK into a
   * temporary direct one, on every write call).
   */
  public static ChunkedFileWriter from(LanesConfig.Files files) {
    return new ChunkedFileWriter(Path.of(files.dataDir()), fill(files.chunkBytes(), files.directBuffer()), files.fsync(),
      files.keep(), ChunkedFileWriter::createNew);
  }

  /** One chunk of {@code a}s, read-only: every write takes its own {@code duplicate()} of it. */
  static ByteBuffer fill(int chunkBytes, boolean direct) {
    ByteBuffer buffer = direct ? ByteBuffer.allocateDirect(chunkBytes) : ByteBuffer.allocate(chunkBytes);
    byte[] as = new byte[chunkBytes];
    Arrays.fill(as, FILL);
    return buffer.put(as).flip().asReadOnlyBuffer();
  }

  /** Writes {@code bytes} bytes; returns how many were written. Blocks the calling thread for the whole write. */
  public long write(long bytes) throws IOException {
    return write(bytes, Long.MAX_VALUE);
  }

  /**
   * Writes {@code bytes} bytes unless {@code deadlineEpochMs} passes first: then it stops between two chunks, deletes its
   * temp file and throws {@link WriteDeadlineException}, so a writer whose requester gave up is free soon after.
   */
  public long write(long bytes, long deadlineEpochMs) throws IOException {
    return writeWith(channel -> writeChunks(channel, bytes, fill, deadlineEpochMs));
  }

  /** The temp-file life cycle around {@code content}; tests use it to fail a write half-way. */
  long writeWith(Content content) throws IOException {
    Path temp = TempFiles.newTemp(dataDir);
    FileChannel channel = opener.open(temp);
    try {
      long written;
      try (channel) {
        written = content.writeTo(channel);
        if (fsync) {
          channel.force(true);
        }
      }
      if (keep) {
        Files.move(temp, TempFiles.finalNameOf(temp), StandardCopyOption.ATOMIC_MOVE);
      } else {
        Files.delete(temp);
      }
      return written;
    } catch (Throwable failure) {
      deleteQuietly(temp, failure);
      throw failure;
    }
  }

  /** Writes {@code bytes} bytes to {@code out}, one {@code chunkBytes} buffer at a time. */
  static long writeChunks(WritableByteChannel out, long bytes, int chunkBytes) throws IOException {
    return writeChunks(out, bytes, fill(chunkBytes, false), Long.MAX_VALUE);
  }

  /** Writes {@code bytes} bytes of {@code fill}, chunk after chunk, checking {@code deadlineEpochMs} before each. */
  static long writeChunks(WritableByteChannel out, long bytes, ByteBuffer fill, long deadlineEpochMs) throws IOException {
    ByteBuffer chunk = fill.duplicate();
    long remaining = bytes;
    while (remaining > 0) {
      if (deadlineEpochMs != Long.MAX_VALUE && System.currentTimeMillis() >= deadlineEpochMs) {
        throw new WriteDeadlineException(bytes - remaining, bytes);
      }
      chunk.clear().limit((int) Math.min(chunk.capacity(), remaining));
      while (chunk.hasRemaining()) {
        remaining -= out.write(chunk);
      }
    }
    return bytes;
  }

  private static void deleteQuietly(Path temp, Throwable cause) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
      LOG.warn("Could not delete temp file {} after a failed write", temp, e);
    }
  }

  private static FileChannel createNew(Path temp) throws IOException {
    return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
  }

  /** Creates the temp file (it must not exist) and opens it for writing. */
  @FunctionalInterface
  interface Opener {
    FileChannel open(Path temp) throws IOException;
  }

  /** What goes into the temp file. */
  @FunctionalInterface
  interface Content {
    long writeTo(FileChannel channel) throws IOException;
  }
}
