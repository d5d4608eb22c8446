package io.lanes.files;

import io.vertx.core.file.FileSystemException;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Recognising and describing a write the disk refused, the same way in every mode, without paths for the client. */
final class WriteFailures {

  private WriteFailures() {
  }

  static boolean isIo(Throwable failure) {
    return failure instanceof IOException || failure instanceof UncheckedIOException
      || failure instanceof FileSystemException;
  }

  /** {@code could not write to the data directory (NoSuchFileException)}: the kind of failure, not where. */
  static String describe(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof FileSystemException || cause instanceof UncheckedIOException) && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return "could not write to the data directory (" + cause.getClass().getSimpleName() + ")";
  }
}
