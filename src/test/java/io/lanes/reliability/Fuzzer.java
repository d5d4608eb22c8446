package io.lanes.reliability;

import io.lanes.reliability.RouteTable.Route;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * The bad requests of the bad-input scenario, aimed at the routes the router serves ({@link RouteTable}): a sweep of
 * every route x every parameter (path and query) x every nasty value, and a seeded random generator (the same seed and
 * route table send the same requests).
 */
final class Fuzzer {

  /** One request to send: {@code body} and {@code contentType} may be null (none). */
  record FuzzRequest(HttpMethod method, String uri, String body, String contentType) {
    String describe(String label) {
      return label + ": " + method.name() + " " + uri + (body == null ? "" : " body " + Verdicts.abbreviate(body));
    }
  }

  static final List<String> NASTY = List.of("", "abc", "-1", "-0.001", "1.5", "0x10", "1e3", "1e309", "NaN",
    "Infinity", "99999999999999999999999", "9".repeat(2000), "१२", "٣", "😀", "ü", "%00", "%zz", "%", "%E0%A4",
    "' OR '1'='1", "1;DROP TABLE x", "<script>alert(1)</script>", "../../../etc/passwd", "..%2F..%2Fetc%2Fpasswd",
    "${jndi:ldap://127.0.0.1:1/x}", "{{7*7}}", "%0d%0aSet-Cookie:x=1", "a b", "+", "true", "null", "[]", "{}");

  /** Paths no route serves, or serves only by accident of normalisation. */
  private static final List<String> ODD_PATHS = List.of("/nope", "/write/../hello", "//hello", "/upstream", "/task/", "/jobs/");
  /** Parameter names any request may carry: every route's, and ones no route reads (SSRF bait among them). */
  private static final List<String> ANY_PARAMETERS = List.of("x", "seconds", "bytes", "mode", "n", "iterations", "message", "url", "host");
  private static final HttpMethod[] METHODS = {HttpMethod.GET, HttpMethod.GET, HttpMethod.GET, HttpMethod.POST,
    HttpMethod.POST, HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.PATCH, HttpMethod.HEAD, HttpMethod.OPTIONS};
  private static final String[] TYPES = {"application/json", "application/x-www-form-urlencoded", "text/plain",
    "multipart/form-data; boundary=q", "multipart/form-data; boundary=", ""};

  private final RouteTable routes;

  Fuzzer(RouteTable routes) {
    this.routes = routes;
  }

  /** How many routes (method and path) the router serves. */
  int routeCount() {
    return routes.routes().size();
  }

  /**
   * Every route with its own method: each path parameter and each query parameter it reads given every nasty value, raw
   * in the URI and form-encoded (the path parameters filled with {@code 7} meanwhile), and the route once as it should be.
   */
  List<FuzzRequest> sweep() {
    List<FuzzRequest> table = new ArrayList<>();
    for (Route route : routes.routes()) {
      HttpMethod method = route.method();
      for (String value : NASTY) {
        String path = route.path();
        if (route.hasPathParameters()) {
          table.add(new FuzzRequest(method, route.fill(rawSafe(value)), null, null));
          table.add(new FuzzRequest(method, route.fill(encode(value)), null, null));
          path = route.fill("7");
        }
        for (String parameter : routes.queryParameters(route.path())) {
          table.add(new FuzzRequest(method, path + "?" + parameter + "=" + rawSafe(value), null, null));
          table.add(new FuzzRequest(method, path + "?" + parameter + "=" + encode(value), null, null));
        }
      }
      table.add(new FuzzRequest(method, route.fill("1"), null, null));
    }
    return table;
  }

  /** Random method, path, parameters (known and unknown names, nasty or random values), content type and body. */
  List<FuzzRequest> random(Random random, int count) {
    List<String> paths = new ArrayList<>(routes.paths());
    paths.addAll(ODD_PATHS);
    List<FuzzRequest> requests = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String path = paths.get(random.nextInt(paths.size()));
      List<String> parameters = new ArrayList<>(ODD_PATHS.contains(path) ? List.of() : routes.queryParameters(path));
      parameters.addAll(ANY_PARAMETERS);
      StringBuilder uri = new StringBuilder(RouteTable.fill(path, randomValue(random, true)));
      int parameterCount = random.nextInt(4);
      for (int p = 0; p < parameterCount; p++) {
        uri.append(p == 0 ? '?' : '&').append(parameters.get(random.nextInt(parameters.size()))).append('=')
          .append(randomValue(random, false));
      }
      HttpMethod method = METHODS[random.nextInt(METHODS.length)];
      String body = null;
      if (method == HttpMethod.POST || method == HttpMethod.PUT || method == HttpMethod.PATCH) {
        body = randomBody(random);
      }
      requests.add(new FuzzRequest(method, uri.toString(), body, TYPES[random.nextInt(TYPES.length)]));
    }
    return requests;
  }

  private static String randomValue(Random random, boolean pathSegment) {
    int kind = random.nextInt(4);
    String value;
    if (kind == 0) {
      value = NASTY.get(random.nextInt(NASTY.size()));
    } else if (kind == 1) {
      value = Long.toString(random.nextLong() % 1_000_000_000L);
    } else if (kind == 2) {
      value = Integer.toString(random.nextInt(3));
    } else {
      StringBuilder text = new StringBuilder();
      int length = random.nextInt(40);
      for (int i = 0; i < length; i++) {
        text.appendCodePoint(random.nextInt(3) == 0 ? 0x80 + random.nextInt(0x2FF00) : 0x20 + random.nextInt(0x5F));
      }
      value = text.toString();
    }
    String encoded = random.nextBoolean() ? encode(value) : rawSafe(value);
    return pathSegment ? encoded.replace("/", "%2F") : encoded;
  }

  private static String randomBody(Random random) {
    return switch (random.nextInt(6)) {
      case 0 -> new JsonObject().put("message", randomValue(random, false)).encode();
      case 1 -> new JsonObject().put("type", List.of("sum-mod", "primes", "sha256", "score", "x").get(random.nextInt(5)))
        .put("n", random.nextInt(20) - 5).put("iterations", random.nextInt(2000) - 100).put("limit", random.nextInt(1000)).encode();
      case 2 -> "{".repeat(random.nextInt(50)) + randomValue(random, false);
      case 3 -> "";
      case 4 -> "x".repeat(random.nextInt(70_000));
      default -> {
        byte[] bytes = new byte[random.nextInt(200)];
        random.nextBytes(bytes);
        yield new String(bytes, StandardCharsets.ISO_8859_1);
      }
    };
  }

  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  /** The value as it is, except the characters an HTTP request line cannot carry (space, controls, non-ASCII). */
  static String rawSafe(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xFF;
      if (c <= 0x20 || c >= 0x7F || c == '#') {
        out.append('%').append(String.format("%02X", c));
      } else {
        out.append((char) c);
      }
    }
    return out.toString();
  }
}
