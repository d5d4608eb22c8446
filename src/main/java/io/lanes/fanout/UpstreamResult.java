package io.lanes.fanout;

import io.vertx.core.json.JsonObject;

/**
 * What one upstream call gave: its HTTP status (null when no answer arrived), how long it took, and either the parsed
 * JSON body ({@link Outcome#OK}) or an error kind with a short message for the client.
 */
public record UpstreamResult(String upstream, Integer status, long elapsedMs, Outcome outcome, Object body,
                             String message) {

  static UpstreamResult ok(String upstream, int status, long elapsedMs, Object body) {
    return new UpstreamResult(upstream, status, elapsedMs, Outcome.OK, body, null);
  }

  static UpstreamResult failed(String upstream, Integer status, long elapsedMs, Outcome outcome, String message) {
    return new UpstreamResult(upstream, status, elapsedMs, outcome, null, message);
  }

  public boolean succeeded() {
    return outcome == Outcome.OK;
  }

  /**
   * The outcome without the body: {@code {"upstream","status","elapsed_ms","error"}}, {@code error} null on success and
   * {@code {"kind","message"}} otherwise (an entry of {@code /fetch-data}'s {@code upstreams}).
   */
  public JsonObject toJson() {
    return new JsonObject()
      .put("upstream", upstream)
      .put("status", status)
      .put("elapsed_ms", elapsedMs)
      .put("error", succeeded() ? null : new JsonObject().put("kind", outcome.label()).put("message", message));
  }
}
