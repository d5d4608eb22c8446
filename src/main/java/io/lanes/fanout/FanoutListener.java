package io.lanes.fanout;

/**
 * Told about every finished upstream call, on the calling event loop: the hook the metrics issue turns into
 * {@code lanes_fanout_upstream_seconds{upstream,outcome}}. Must be quick and must not throw.
 */
@FunctionalInterface
public interface FanoutListener {

  FanoutListener NONE = (upstream, outcome, elapsedNanos) -> {
  };

  void completed(String upstream, Outcome outcome, long elapsedNanos);
}
