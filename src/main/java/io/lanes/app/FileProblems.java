package io.lanes.app;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.Locale;

/** A file-system failure in a few words for a start-up line: "permission denied", "not a directory"... */
final class FileProblems {

  private FileProblems() {
  }

  static String describe(Throwable failure) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (cause instanceof AccessDeniedException) {
        return "permission denied";
      }
      if (cause instanceof NoSuchFileException) {
        return "a parent directory does not exist";
      }
      if (cause instanceof FileAlreadyExistsException || cause instanceof NotDirectoryException) {
        return "a file that is not a directory is in the way";
      }
      if (cause instanceof FileSystemException fs && fs.getReason() != null) {
        return fs.getReason().toLowerCase(Locale.ROOT);
      }
    }
    return String.valueOf(failure.getMessage());
  }
}
