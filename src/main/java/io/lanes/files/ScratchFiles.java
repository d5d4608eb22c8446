package io.lanes.files;

/**
 * How the file lane names its temp files in the data directory: {@code .lanes-<anything>.tmp}, renamed to their final name
 * when complete. The scratch sweeper deletes stale ones (left by a crash) by exactly these names.
 */
public final class ScratchFiles {

  public static final String PREFIX = ".lanes-";
  public static final String SUFFIX = ".tmp";

  private ScratchFiles() {
  }

  /** True for a file name the file lane could have used for a temp file. */
  public static boolean isScratch(String fileName) {
    return fileName.startsWith(PREFIX) && fileName.endsWith(SUFFIX) && fileName.length() > PREFIX.length() + SUFFIX.length();
  }
}
