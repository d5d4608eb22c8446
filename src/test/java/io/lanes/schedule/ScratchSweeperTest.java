package io.lanes.schedule;

import io.lanes.files.TempFiles;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@DisplayName("The scratch sweeper")
class ScratchSweeperTest {

  private static final long STALE_MS = 60_000;
  private static final long NOW = 10_000_000_000L;

  @TempDir
  Path dataDir;

  private Path file(String relative, long ageMs) throws IOException {
    Path path = dataDir.resolve(relative);
    Files.createDirectories(path.getParent());
    Files.writeString(path, "partial");
    Files.setLastModifiedTime(path, FileTime.fromMillis(NOW - ageMs));
    return path;
  }

  @Test
  @DisplayName("deletes only the file lane's temp files older than files.staleTempMs, also in subdirectories")
  void deletesStaleTempFilesOnly() throws IOException {
    Path crashed = file(TempFiles.TEMP_PREFIX + "a1b2" + TempFiles.TEMP_SUFFIX, 2 * STALE_MS);
    Path crashedDeeper = file("uploads/" + TempFiles.TEMP_PREFIX + "c3d4" + TempFiles.TEMP_SUFFIX, 2 * STALE_MS);
    Path beingWritten = file(TempFiles.TEMP_PREFIX + "e5f6" + TempFiles.TEMP_SUFFIX, 1000);
    Path finalFile = file("report.bin", 2 * STALE_MS);
    Path otherTemp = file("other.tmp", 2 * STALE_MS);

    int deleted = new ScratchSweeper(dataDir, STALE_MS, () -> NOW).sweep();

    assertEquals(2, deleted);
    assertFalse(Files.exists(crashed));
    assertFalse(Files.exists(crashedDeeper));
    assertTrue(Files.exists(beingWritten), "a temp file still being written is not stale");
    assertTrue(Files.exists(finalFile));
    assertTrue(Files.exists(otherTemp), "only the file lane's names are swept");
  }

  @Test
  @DisplayName("does nothing when the data directory does not exist yet")
  void toleratesAMissingDataDir() throws IOException {
    assertEquals(0, new ScratchSweeper(dataDir.resolve("absent"), STALE_MS, () -> NOW).sweep());
  }
}
