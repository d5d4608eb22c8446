package io.lanes.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;

/**
 * The {@code Keep-Alive: timeout=N} header of a response on a connection that stays open, N a second below
 * {@code http.idleTimeoutSeconds}. A client that honours it (Vert.x's among several) stops reusing the connection before
 * the server closes it for idleness, instead of sending a request just as the close is on its way.
 */
final class KeepAlive {

  static final CharSequence HEADER = HttpHeaders.createOptimized("Keep-Alive");
  private static final String CLOSE = "close";
  private static final String KEEP_ALIVE = "keep-alive";

  private KeepAlive() {
  }

  /**
   * The header's value for this idle timeout, or null when there is none to send: no whole second lies below an idle
   * timeout of 1 s, and {@code timeout=0} would tell Vert.x's client to keep the connection forever.
   */
  static CharSequence value(int idleTimeoutSeconds) {
    return idleTimeoutSeconds >= 2 ? HttpHeaders.createOptimized("timeout=" + (idleTimeoutSeconds - 1)) : null;
  }

  /** The connection stays open after the response, as Vert.x's server decides it: HTTP/1.1 unless closed, HTTP/1.0 if asked. */
  static boolean applies(HttpServerRequest request) {
    String connection = request.getHeader(HttpHeaders.CONNECTION);
    return switch (request.version()) {
      case HTTP_1_1 -> !CLOSE.equalsIgnoreCase(connection);
      case HTTP_1_0 -> KEEP_ALIVE.equalsIgnoreCase(connection);
      // HTTP/2 has no connection-specific headers.
      default -> false;
    };
  }
}
