package io.lanes.files;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** How {@code /write} does its blocking write: the lane it runs in. */
public enum WriteMode {
  /** Over the event bus to a {@link FileWriterVerticle} (the default). */
  WORKER("worker"),
  /** {@code executeBlocking(..., false)} on the bounded blocking lane. */
  BLOCKING("blocking"),
  /** Vert.x {@code AsyncFile}: non-blocking, with back-pressure. */
  ASYNC("async"),
  /** The anti-pattern: the blocking write on the event loop itself. Refused unless {@code demo.allowEventLoopBlocking}. */
  EVENT_LOOP("event-loop");

  private final String id;

  WriteMode(String id) {
    this.id = id;
  }

  /** The name used in {@code ?mode=} and in answers. */
  public String id() {
    return id;
  }

  public static Optional<WriteMode> parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT);
    return Arrays.stream(values()).filter(mode -> mode.id.equals(wanted)).findFirst();
  }

  /** {@code worker, blocking, async, event-loop}: for error messages. */
  public static String ids() {
    return Arrays.stream(values()).map(WriteMode::id).collect(Collectors.joining(", "));
  }
}
