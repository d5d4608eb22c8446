package io.lanes.ops;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.Marker;

/**
 * Drops one known, harmless warning of vertx-micrometer-metrics 5.0 (vert-x3/vertx-micrometer-metrics#259, documented
 * upstream and gone in 5.1): Micrometer's "This Gauge has been already registered" for a Vert.x meter (name
 * {@code vertx.*}), logged once per process when a second consumer registers on the event bus (two file writers, say)
 * although the data stays right. A Lanes gauge registered twice still warns. Installed by {@code conf/logback.xml}.
 */
public final class VertxGaugeWarningFilter extends TurboFilter {

  static final String LOGGER = "io.micrometer.core.instrument.MeterRegistry";
  static final String WARNING = "This Gauge has been already registered (MeterId{name='vertx.";

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level == Level.WARN && format != null && LOGGER.equals(logger.getName()) && format.startsWith(WARNING)) {
      return FilterReply.DENY;
    }
    return FilterReply.NEUTRAL;
  }
}
