package io.lanes.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Counts Vert.x's blocked-thread warnings. Vert.x reports a blocked event loop or worker only by logging on
 * {@value #CHECKER_LOGGER}; with SLF4J + Logback on the class path (ours), Vert.x logs through them, so an appender on that
 * logger sees every event without replacing the checker or its log line. One counter per JVM, as the checker is.
 */
public final class BlockedThreadEvents extends AppenderBase<ILoggingEvent> {

  public static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  private static final BlockedThreadEvents INSTANCE = new BlockedThreadEvents();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  /**
   * The thread's name in the checker's line: {@code Thread vert.x-eventloop-thread-1 has been blocked for ...} (Vert.x 5;
   * Vert.x 4 wrote {@code Thread Thread[vert.x-eventloop-thread-1,5,main] ...}).
   */
  private static final Pattern THREAD = Pattern.compile("^Thread (?:Thread\\[(?:#\\d+,)?)?([^\\s,\\]]+)");
  /** A bound on the names kept (a thread name per blocked worker of a growing pool could add up). */
  private static final int MAX_THREADS = 256;

  private final LongAdder events = new LongAdder();
  private final Map<String, LongAdder> byThread = new ConcurrentHashMap<>();

  private BlockedThreadEvents() {
    setName("lanes-blocked-thread-events");
  }

  /** Attaches the counter to the checker's logger (once per JVM) and returns it. */
  public static BlockedThreadEvents install() {
    if (INSTALLED.compareAndSet(false, true)) {
      Logger checker = (Logger) LoggerFactory.getLogger(CHECKER_LOGGER);
      INSTANCE.setContext(checker.getLoggerContext());
      INSTANCE.start();
      checker.addAppender(INSTANCE);
    }
    return INSTANCE;
  }

  @Override
  protected void append(ILoggingEvent event) {
    events.increment();
    String message = event.getFormattedMessage();
    Matcher thread = message == null ? null : THREAD.matcher(message);
    if (thread != null && thread.find() && (byThread.size() < MAX_THREADS || byThread.containsKey(thread.group(1)))) {
      byThread.computeIfAbsent(thread.group(1), name -> new LongAdder()).increment();
    }
  }

  public long count() {
    return events.sum();
  }

  /** The warnings about thread {@code name} (e.g. {@code vert.x-eventloop-thread-0}), in this JVM. */
  public long count(String name) {
    LongAdder count = byThread.get(name);
    return count == null ? 0 : count.sum();
  }
}
