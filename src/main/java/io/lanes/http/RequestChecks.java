package io.lanes.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;

/**
 * The first route step: what the decoders behind the handlers would choke on is refused with a 400 here, instead of
 * surfacing as an exception (and a 500) in whichever handler reads it first: a query string with an invalid
 * percent-encoding ({@code %zz}, a lone {@code %}), and a multipart body whose {@code boundary} is empty (Netty's decoder
 * throws {@code StringIndexOutOfBoundsException} on it).
 */
final class RequestChecks {

  private static final String BOUNDARY = "boundary=";

  private RequestChecks() {
  }

  static void headDecodes(RoutingContext ctx) {
    try {
      ctx.request().params();
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, "malformed query", "the query string has an invalid percent-encoding");
    }
    if (multipartBoundaryIsEmpty(ctx.request().getHeader(HttpHeaders.CONTENT_TYPE))) {
      throw new ApiException(400, "malformed body", "a multipart Content-Type needs a non-empty boundary");
    }
    ctx.next();
  }

  static boolean multipartBoundaryIsEmpty(String contentType) {
    if (contentType == null) {
      return false;
    }
    String lower = contentType.toLowerCase(Locale.ROOT);
    int at = lower.indexOf(BOUNDARY);
    if (!lower.trim().startsWith("multipart/") || at < 0) {
      return false;
    }
    String value = contentType.substring(at + BOUNDARY.length());
    int end = value.indexOf(';');
    value = (end < 0 ? value : value.substring(0, end)).trim();
    if (value.startsWith("\"")) {
      value = value.substring(1);
    }
    if (value.endsWith("\"")) {
      value = value.substring(0, value.length() - 1);
    }
    return value.isBlank();
  }
}
