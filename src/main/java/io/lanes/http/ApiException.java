package io.lanes.http;

import io.vertx.core.json.JsonObject;

/**
 * A failure with a known HTTP answer: status, a short reason and a detail for the client. Handlers fail the routing context
 * with it; {@link FailureHandler} turns it into the JSON body.
 */
public final class ApiException extends RuntimeException {

  private static final int MAX_ECHO_CHARS = 64;

  private final int status;
  private final Object detail;

  public ApiException(int status, String error, Object detail) {
    super(error, null, false, false);
    this.status = status;
    this.detail = detail;
  }

  /** 400 naming the bad parameter, what is wrong with it, and (shortened) what was sent. */
  public static ApiException badParameter(String parameter, String problem, String value) {
    JsonObject detail = new JsonObject().put("parameter", parameter).put("problem", problem);
    if (value != null) {
      detail.put("value", value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "..." : value);
    }
    return new ApiException(400, "bad parameter: " + parameter, detail);
  }

  public int status() {
    return status;
  }

  public String error() {
    return getMessage();
  }

  public Object detail() {
    return detail;
  }
}
