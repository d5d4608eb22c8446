package io.lanes.fanout;

import java.util.Locale;

/**
 * How one upstream call ended. {@link #label()} is the {@code error.kind} of a {@code /fetch-data} result and the
 * {@code outcome} label of {@code lanes_fanout_upstream_seconds}.
 */
public enum Outcome {
  /** A 2xx answer whose whole body arrived in time, within the size cap, and is JSON. */
  OK,
  /** The deadline ({@code fanout.timeoutMs}) passed before the whole answer arrived: connecting, waiting or reading. */
  TIMEOUT,
  /** No connection could be made, or it broke before the answer was complete. */
  CONNECT,
  /** The upstream answered with a status outside 2xx. */
  HTTP_STATUS,
  /** The body is longer than {@code fanout.maxBodyBytes}; reading stopped there. */
  TOO_LARGE,
  /** The body is not JSON. */
  BAD_JSON;

  private final String label = name().toLowerCase(Locale.ROOT);

  public String label() {
    return label;
  }
}
