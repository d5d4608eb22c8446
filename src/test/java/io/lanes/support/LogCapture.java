package io.lanes.support;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Captures what one logger logs during a test (a logback {@link ListAppender}); close it to detach. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final Level levelBefore;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> source, Level level) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    this.levelBefore = logger.getLevel();
    if (level != null) {
      logger.setLevel(level);
    }
    appender.start();
    logger.addAppender(appender);
  }

  /** At the logger's configured level. */
  public static LogCapture of(Class<?> source) {
    return new LogCapture(source, null);
  }

  /** Including DEBUG lines (the logger's level is restored on close). */
  public static LogCapture atDebug(Class<?> source) {
    return new LogCapture(source, Level.DEBUG);
  }

  /** The formatted messages so far, oldest first ({@code doAppend} adds under the appender's lock). */
  public List<String> messages() {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  /** The formatted messages logged above {@code level}, e.g. above DEBUG: INFO, WARN and ERROR. */
  public List<String> messagesAbove(Level level) {
    synchronized (appender) {
      return appender.list.stream()
        .filter(event -> event.getLevel().isGreaterOrEqual(level) && !event.getLevel().equals(level))
        .map(event -> event.getLevel() + " " + event.getFormattedMessage())
        .toList();
    }
  }

  public boolean contains(String message) {
    return messages().contains(message);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(levelBefore);
  }
}
