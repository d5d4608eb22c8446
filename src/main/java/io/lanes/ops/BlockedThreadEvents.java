package io.lanes.ops;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counts Vert.x's blocked-thread warnings. Vert.x reports a blocked event loop or worker only by logging on
 * {@value #CHECKER_LOGGER}; with SLF4J + Logback on the class path (ours), Vert.x logs through them, so an appender on that
 * logger sees every event without replacing the checker or its log line. One counter per JVM, as the checker is.
 */
public final class BlockedThreadEvents extends AppenderBase<ILoggingEvent> {

  public static final String CHECKER_LOGGER = "io.vertx.core.impl.BlockedThreadChecker";

  private static final BlockedThreadEvents INSTANCE = new BlockedThreadEvents();
  private static final AtomicBoolean INSTALLED = new AtomicBoolean();

  private final LongAdder events = new LongAdder();

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
  }

  public long count() {
    return events.sum();
  }
}
