package io.lanes.schedule;

import io.lanes.files.TempFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The {@code scratch-sweeper} job: deletes the file lane's temp files ({@link TempFiles}) under the data directory that
 * nobody has written for {@code files.staleTempMs}, i.e. left by a crash. A temp file being written is younger than that
 * (each chunk touches it), and one renamed away meanwhile is simply gone.
 */
public final class ScratchSweeper implements PeriodicJob {

  public static final String NAME = "scratch-sweeper";
  private static final Logger LOG = LoggerFactory.getLogger(ScratchSweeper.class);

  private final Path dataDir;
  private final long staleMs;
  private final LongSupplier clock;

  public ScratchSweeper(Path dataDir, long staleMs) {
    this(dataDir, staleMs, System::currentTimeMillis);
  }

  ScratchSweeper(Path dataDir, long staleMs, LongSupplier clock) {
    this.dataDir = dataDir;
    this.staleMs = staleMs;
    this.clock = clock;
  }

  @Override
  public void run() throws IOException {
    int deleted = sweep();
    if (deleted > 0) {
      LOG.info("Scratch sweeper deleted {} stale temp file(s) under {}", deleted, dataDir);
    }
  }

  /** Deletes the stale temp files now; returns how many. */
  int sweep() throws IOException {
    if (!Files.isDirectory(dataDir)) {
      return 0;
    }
    long staleBefore = clock.getAsLong() - staleMs;
    AtomicInteger deleted = new AtomicInteger();
    Files.walkFileTree(dataDir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
        if (attributes.isRegularFile()
          && TempFiles.isTemp(file)
          && attributes.lastModifiedTime().toMillis() < staleBefore
          && Files.deleteIfExists(file)) {
          LOG.debug("Deleted stale temp file {}", file);
          deleted.incrementAndGet();
        }
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException failure) throws IOException {
        if (failure instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw failure;
      }
    });
    return deleted.get();
  }
}
