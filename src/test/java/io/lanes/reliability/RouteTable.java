package io.lanes.reliability;

import io.lanes.app.MainVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every route Lanes serves, read from the router itself ({@link MainVerticle#routeTable()}) of a throwaway node deployed
 * in the driver's own JVM, so the bad-input scenario sends its bad values to the routes that exist, not to a copy of them.
 */
final class RouteTable {

  /** One route as the router serves it: a method and a path whose {@code :name} segments are path parameters. */
  record Route(HttpMethod method, String path) {
    boolean hasPathParameters() {
      return PATH_PARAMETER.matcher(path).find();
    }

    String fill(String value) {
      return RouteTable.fill(path, value);
    }

    @Override
    public String toString() {
      return method.name() + " " + path;
    }
  }

  /**
   * The query parameters a route reads, by path; a path not listed is sent an unknown parameter ({@code x}). The router
   * does not know them, so they are listed here, and a listed path the router no longer serves fails the run.
   */
  private static final Map<String, List<String>> QUERY_PARAMETERS = Map.ofEntries(
    Map.entry("/sync", List.of("seconds")),
    Map.entry("/async", List.of("seconds")),
    Map.entry("/task/:task_id", List.of("seconds")),
    Map.entry("/tasks/:task_id", List.of()),
    Map.entry("/jobs/:id", List.of()),
    Map.entry("/write", List.of("bytes", "mode")),
    Map.entry("/write_with_thread", List.of("bytes", "mode")),
    Map.entry("/write_async", List.of("bytes", "mode")),
    Map.entry("/write_bad", List.of("bytes", "mode")),
    Map.entry("/upstream/json", List.of("delay_ms", "status", "trickle_ms", "bytes")),
    Map.entry("/upstream/uuid", List.of("delay_ms", "status", "trickle_ms", "bytes")),
    Map.entry("/upstream/ip", List.of("delay_ms", "status", "trickle_ms", "bytes")),
    Map.entry("/process", List.of("n", "iterations")));

  private static final List<String> UNKNOWN_PARAMETER = List.of("x");

  /**
   * Routes whose answer never ends (a Server-Sent Events stream): kept out of {@link #routes()}, whose every request
   * must end within the driver's bound, and sent bad input on their own ({@link #streams()}).
   */
  private static final Set<String> STREAMS = Set.of("/dashboard/events");
  private static final Pattern PATH_PARAMETER = Pattern.compile(":[A-Za-z_][A-Za-z0-9_]*");

  private final List<Route> routes;
  private final List<Route> streams;

  RouteTable(List<String> table) {
    List<Route> parsed = new ArrayList<>();
    for (String line : table) {
      String[] parts = line.split(" ", 2);
      // A route without methods ("ANY") answers every method: the bad values go to it as GET.
      parsed.add(new Route(parts[0].equals("ANY") ? HttpMethod.GET : HttpMethod.valueOf(parts[0]), parts[1]));
    }
    this.routes = parsed.stream().filter(route -> !STREAMS.contains(route.path())).toList();
    this.streams = parsed.stream().filter(route -> STREAMS.contains(route.path())).toList();
    Set<String> stale = new LinkedHashSet<>(QUERY_PARAMETERS.keySet());
    stale.removeAll(paths());
    if (!stale.isEmpty()) {
      throw new IllegalStateException("query parameters listed for paths the router does not serve: " + stale);
    }
  }

  /**
   * Deploys a standalone {@link MainVerticle} on a Vert.x of its own (loopback, port 0, a data dir under {@code scratch}),
   * reads its route table (kept in {@code scratch/routes.txt}) and closes it again. System properties carry the settings,
   * because they override the environment (a {@code HTTP_PORT} or {@code DATA_DIR} of the caller's) and the launcher
   * config alike.
   */
  static RouteTable fromRouter(Path scratch) throws Exception {
    Path dataDir = scratch.resolve("data");
    Files.createDirectories(dataDir);
    Map<String, String> settings = Map.of(
      "lanes.http.host", "127.0.0.1",
      "lanes.http.port", "0",
      "lanes.http.instances", "1",
      "lanes.roles", "http,files,compute,scheduler",
      "lanes.files.dataDir", dataDir.toString());
    settings.forEach(System::setProperty);
    Vertx throwaway = Vertx.vertx();
    try {
      MainVerticle main = new MainVerticle();
      Http.await(throwaway.deployVerticle(main, new DeploymentOptions().setConfig(new JsonObject())), 60);
      List<String> table = main.routeTable();
      if (table.isEmpty()) {
        throw new IllegalStateException("the throwaway node serves no route");
      }
      Files.write(scratch.resolve("routes.txt"), table);
      return new RouteTable(table);
    } finally {
      settings.keySet().forEach(System::clearProperty);
      Http.await(throwaway.close(), 60);
    }
  }

  List<Route> routes() {
    return routes;
  }

  /** The routes that answer with a stream that never ends. */
  List<Route> streams() {
    return streams;
  }

  /** The distinct paths, in the router's order. */
  List<String> paths() {
    return routes.stream().map(Route::path).distinct().toList();
  }

  /** {@code path} with every path parameter replaced by {@code value} (inserted as it is: encode it first). */
  static String fill(String path, String value) {
    return PATH_PARAMETER.matcher(path).replaceAll(Matcher.quoteReplacement(value));
  }

  /** The query parameters the route of {@code path} reads ({@code x}, unknown to it, when none is listed). */
  List<String> queryParameters(String path) {
    return QUERY_PARAMETERS.getOrDefault(path, UNKNOWN_PARAMETER);
  }

  @Override
  public String toString() {
    return routes.toString();
  }
}
