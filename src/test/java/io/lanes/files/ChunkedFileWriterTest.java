package io.lanes.files;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The chunked blocking writer")
class ChunkedFileWriterTest {

  private static final int CHUNK = 4096;

  @TempDir
  Path dataDir;

  @Test
  @DisplayName("writes exactly N bytes of 'a' and, when kept, renames the file to its final name")
  void writesExactlyNBytes() throws IOException {
    for (long bytes : new long[] {0, 1, CHUNK - 1, CHUNK, 3 * CHUNK, 1_000_003}) {
      Path dir = Files.createDirectory(dataDir.resolve("n" + bytes));
      assertKeptExactly(dir, bytes, new ChunkedFileWriter(dir, CHUNK, true, true).write(bytes));
    }
  }

  private static void assertKeptExactly(Path dir, long bytes, long written) throws IOException {

    assertEquals(bytes, written);
    List<Path> files = list(dir);
    assertEquals(1, files.size(), files.toString());
    Path kept = files.get(0);
    assertFalse(TempFiles.isTemp(kept), kept.toString());
    assertTrue(kept.getFileName().toString().startsWith(TempFiles.FINAL_PREFIX), kept.toString());
    assertEquals(bytes, Files.size(kept));
    if (bytes > 0) {
      assertEquals('a', Files.newInputStream(kept).read());
    }
  }

  @Test
  @DisplayName("deletes the file after writing it unless files.keep is set")
  void deletesScratchFiles() throws IOException {
    assertEquals(100_000, new ChunkedFileWriter(dataDir, CHUNK, false, false).write(100_000));
    assertEquals(List.of(), list(dataDir));
  }

  @Test
  @DisplayName("removes its temp file when the write fails half-way, and reports the failure")
  void removesTempFileOnFailure() throws IOException {
    ChunkedFileWriter writer = new ChunkedFileWriter(dataDir, CHUNK, false, true);
    IOException failure = assertThrows(IOException.class, () -> writer.writeWith(channel -> {
      ChunkedFileWriter.writeChunks(channel, 10 * CHUNK, CHUNK);
      List<Path> during = list(dataDir);
      assertEquals(1, during.size());
      assertTrue(TempFiles.isTemp(during.get(0)), "the write in progress goes to a temp file: " + during);
      throw new IOException("No space left on device");
    }));

    assertEquals("No space left on device", failure.getMessage());
    assertEquals(List.of(), list(dataDir));
  }

  @Test
  @DisplayName("stops at its deadline before the next chunk, deletes its temp file and says how far it got")
  void stopsAtItsDeadline() throws IOException {
    AtomicInteger opened = new AtomicInteger();
    ChunkedFileWriter writer = new ChunkedFileWriter(dataDir, CHUNK, false, true, temp -> {
      opened.incrementAndGet();
      return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    });
    WriteDeadlineException late = assertThrows(WriteDeadlineException.class,
      () -> writer.write(10 * CHUNK, System.currentTimeMillis() - 1));
    assertEquals("the write passed its deadline after 0 of " + 10 * CHUNK + " bytes", late.getMessage());
    assertEquals(1, opened.get());
    assertEquals(List.of(), list(dataDir), "neither a temp file nor a final one is left");
    assertEquals(10 * CHUNK, writer.write(10 * CHUNK, System.currentTimeMillis() + 60_000), "in time, it writes all");
  }

  @Test
  @DisplayName("fails without leaving anything when the data directory is not a directory")
  void failsOnABadDataDir() throws IOException {
    Path notADir = Files.writeString(dataDir.resolve("data"), "a file where the data dir should be");

    assertThrows(IOException.class, () -> new ChunkedFileWriter(notADir, CHUNK, false, false).write(10));
    assertEquals(List.of(notADir), list(dataDir));
  }

  @Test
  @DisplayName("forces the file to disk before it is renamed when files.fsync is set, and not otherwise")
  void forcesToDiskWhenConfigured() throws IOException {
    for (boolean fsync : new boolean[] {true, false}) {
      AtomicInteger forces = new AtomicInteger();
      Path dir = Files.createDirectory(dataDir.resolve("fsync-" + fsync));
      ChunkedFileWriter writer = new ChunkedFileWriter(dir, CHUNK, fsync, true,
        temp -> new WatchedChannel(FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), forces));
      assertKeptExactly(dir, 3 * CHUNK, writer.write(3 * CHUNK));
      assertEquals(fsync ? 1 : 0, forces.get(), "force() calls with files.fsync " + fsync);
    }
  }

  @Test
  @DisplayName("makes a kept file final with one atomic rename, which replaces whatever had the final name")
  void renamesAtomically() throws IOException {
    ChunkedFileWriter writer = new ChunkedFileWriter(dataDir, CHUNK, false, true);
    long written = writer.writeWith(channel -> {
      Path temp = list(dataDir).get(0);
      // A stale file under the final name: rename(2) swaps the new file in at once; a copying move would refuse it.
      Files.writeString(TempFiles.finalNameOf(temp), "stale");
      return ChunkedFileWriter.writeChunks(channel, 2 * CHUNK, CHUNK);
    });
    assertKeptExactly(dataDir, 2 * CHUNK, written);
  }

  @Test
  @DisplayName("recognises temp names by prefix and suffix")
  void recognisesTempNames() {
    Path temp = TempFiles.newTemp(dataDir);
    assertTrue(TempFiles.isTemp(temp));
    assertFalse(TempFiles.isTemp(TempFiles.finalNameOf(temp)));
    assertFalse(TempFiles.isTemp(dataDir.resolve(TempFiles.TEMP_PREFIX + TempFiles.TEMP_SUFFIX)));
    assertFalse(TempFiles.isTemp(dataDir.resolve("log.txt")));
  }

  static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.sorted().toList();
    }
  }
}
