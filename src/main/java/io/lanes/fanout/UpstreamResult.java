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

  /** {@code {"upstream","status","elapsed_ms","body"}} or {@code {..., "error":{"kind","message"}}}. */
  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("upstream", upstream)
      .put("status", status)
      .put("elapsed_ms", elapsedMs);
    if (succeeded()) {
      return json.put("body", body);
    }
    return json.put("error", new JsonObject().put("kind", outcome.label()).put("message", message));
  }
}
