package io.lanes.files;

import java.nio.file.Path;
import java.util.UUID;

/**
 * Names of the files {@code /write} creates in the data directory. A write goes to a temp file named
 * {@value #TEMP_PREFIX}{@code <uuid>}{@value #TEMP_SUFFIX} and, when kept, is renamed atomically to
 * {@value #FINAL_PREFIX}{@code <uuid>}{@value #FINAL_SUFFIX}; anything with the temp prefix and suffix is scratch that
 * a sweeper may delete once it is stale.
 */
public final class TempFiles {

  /** Every temp file of a write in progress starts with this (a dot: hidden from a plain {@code ls}). */
  public static final String TEMP_PREFIX = ".lanes-";
  /** Every temp file of a write in progress ends with this. */
  public static final String TEMP_SUFFIX = ".tmp";
  /** A kept write's final name starts with this. */
  public static final String FINAL_PREFIX = "write-";
  /** A kept write's final name ends with this. */
  public static final String FINAL_SUFFIX = ".dat";

  private TempFiles() {
  }

  /** Whether {@code file} is named like the temp file of a write (in progress, or left by a crash). */
  public static boolean isTemp(Path file) {
    Path name = file.getFileName();
    if (name == null) {
      return false;
    }
    String text = name.toString();
    return text.startsWith(TEMP_PREFIX) && text.endsWith(TEMP_SUFFIX)
      && text.length() > TEMP_PREFIX.length() + TEMP_SUFFIX.length();
  }

  /** A fresh temp name in {@code dir}; the file is not created. */
  static Path newTemp(Path dir) {
    return dir.resolve(TEMP_PREFIX + UUID.randomUUID() + TEMP_SUFFIX);
  }

  /** The final name of the write whose temp file is {@code temp} (same directory, same id). */
  static Path finalNameOf(Path temp) {
    String name = temp.getFileName().toString();
    String id = name.substring(TEMP_PREFIX.length(), name.length() - TEMP_SUFFIX.length());
    return temp.resolveSibling(FINAL_PREFIX + id + FINAL_SUFFIX);
  }
}
