package io.lanes.files;

import java.io.IOException;

/** A write stopped half-way at its deadline (its requester had given up); its temp file is deleted. */
public final class WriteDeadlineException extends IOException {

  WriteDeadlineException(long written, long bytes) {
    super("the write passed its deadline after " + written + " of " + bytes + " bytes", null);
  }
}
