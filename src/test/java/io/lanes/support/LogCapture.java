package io.lanes.support;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.slf4j.LoggerFactory;

import java.util.List;

/** Captures what one logger logs during a test (a logback {@link ListAppender}); close it to detach. */
public final class LogCapture implements AutoCloseable {

  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private LogCapture(Class<?> source) {
    this.logger = (Logger) LoggerFactory.getLogger(source);
    appender.start();
    logger.addAppender(appender);
  }

  public static LogCapture of(Class<?> source) {
    return new LogCapture(source);
  }

  /** The formatted messages so far, oldest first ({@code doAppend} adds under the appender's lock). */
  public List<String> messages() {
    synchronized (appender) {
      return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }
  }

  public boolean contains(String message) {
    return messages().contains(message);
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
    appender.stop();
  }
}
