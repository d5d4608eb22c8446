package io.lanes.reliability;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The driver of {@code scripts/reliability}: runs the selected scenarios, in this order, against real Lanes processes on
 * loopback and writes one row per scenario (name, PASS/FAIL, seconds, figures, failures) to {@code <out>/results.tsv}.
 * Arguments: {@code <repo root> <out dir> <port> <fast:true|false> <only: comma list> <seed>}. Exit status 1 when a
 * scenario fails, 2 for an unknown scenario name.
 */
public final class Reliability {

  static final List<Scenario> ALL = List.of(new SigtermScenario(), new DrainScenario(), new Kill9Scenario(),
    new SaturationScenario(), new BadInputScenario(), new UpstreamScenario(), new DiskScenario());

  private Reliability() {
  }

  public static void main(String[] args) throws Exception {
    Path root = Path.of(args[0]).toAbsolutePath();
    Path out = Path.of(args[1]).toAbsolutePath();
    int port = Integer.parseInt(args[2]);
    boolean fast = Boolean.parseBoolean(args[3]);
    Set<String> selected = new LinkedHashSet<>(Arrays.asList(args[4].split(",")));
    long seed = Long.parseLong(args[5]);
    List<String> names = ALL.stream().map(Scenario::name).toList();
    List<String> unknown = selected.stream().filter(name -> !names.contains(name)).toList();
    if (!unknown.isEmpty()) {
      System.err.println("[reliability] unknown scenario(s) " + unknown + "; known: " + names);
      System.exit(2);
    }
    int idleSeconds = defaultIdleSeconds(root);
    Vertx vertx = Vertx.vertx();
    List<String> rows = new ArrayList<>();
    boolean allPassed = true;
    for (Scenario scenario : ALL) {
      if (selected.contains(scenario.name())) {
        Path scratch = out.resolve(scenario.name());
        LanesProcess.deleteTree(scratch);
        Files.createDirectories(scratch);
        Stage stage = new Stage(root, out, scratch, port, fast, seed, vertx, idleSeconds);
        long started = System.nanoTime();
        Result result = run(scenario, stage);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);
        System.out.println(result.line(scenario.name(), seconds));
        rows.add(result.row(scenario.name(), seconds));
        allPassed &= result.passed();
      }
    }
    Files.writeString(out.resolve("results.tsv"), String.join("\n", rows) + "\n");
    vertx.close();
    System.exit(allPassed ? 0 : 1);
  }

  /**
   * Runs one scenario; a driver error fails it. Every scenario ends with what its pooled clients saw: a request they got
   * no answer to within its bound fails it, whatever else it checked.
   */
  private static Result run(Scenario scenario, Stage stage) {
    Result result = new Result();
    System.out.println("[reliability] --- " + scenario.name() + " ---");
    try {
      scenario.run(stage, result);
    } catch (Exception e) {
      result.fail("driver error: " + e);
      e.printStackTrace();
    }
    Http.Tally tally = stage.tally;
    List<String> unanswered = tally.unanswered();
    result.figure("driver's pooled client (keep-alive on): %d requests, %d sent again after a closed connection, %d unanswered",
      tally.requests(), tally.retried(), unanswered.size());
    result.check(unanswered.isEmpty(), unanswered.size() + " requests got no answer: " + unanswered.stream().limit(3).toList());
    return result;
  }

  /** {@code http.idleTimeoutSeconds} of conf/config.json: the idle timeout of a node started without that key. */
  private static int defaultIdleSeconds(Path root) throws Exception {
    return new JsonObject(Files.readString(root.resolve("conf/config.json"))).getJsonObject("http").getInteger("idleTimeoutSeconds");
  }
}
