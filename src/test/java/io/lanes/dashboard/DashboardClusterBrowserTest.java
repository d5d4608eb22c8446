package io.lanes.dashboard;

import io.lanes.support.Browser;
import io.lanes.support.TestClusters;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard of a two-node cluster in one JVM (an HTTP node without compute of its own, a compute-only node), in
 * headless Chromium (skipped without a browser: see {@link Browser}): both nodes appear, a job shows the node that ran
 * it, and the compute node disappears once it is stopped.
 */
@Tag("browser")
@DisplayName("The dashboard of a cluster, in a real browser")
class DashboardClusterBrowserTest {

  private static final String HOST = "127.0.0.1";

  @TempDir
  Path dataDir;

  private Browser browser;
  private Vertx httpVertx;
  private Vertx computeVertx;
  private TestNode http;
  private TestNode compute;
  private WebClient client;

  @BeforeEach
  void startCluster() throws Exception {
    browser = Browser.open();
    TestClusters.Members members = TestClusters.members("lanes-dashboard-browser-test", 2);
    httpVertx = await(members.start(0));
    computeVertx = await(members.start(1));
    compute = await(TestNodes.start(computeVertx, conf(new JsonArray().add("compute"), 1)));
    http = await(TestNodes.start(httpVertx, conf(new JsonArray().add("http").add("files").add("scheduler"), 0)));
    client = WebClient.create(httpVertx);
  }

  @AfterEach
  void stopCluster() throws Exception {
    if (browser != null) {
      browser.close();
    }
    for (Vertx vertx : new Vertx[] {httpVertx, computeVertx}) {
      if (vertx != null) {
        await(vertx.close());
      }
    }
  }

  private JsonObject conf(JsonArray roles, int computeInstances) {
    return TestNodes.config(dataDir, new JsonObject()
      .put("roles", roles)
      .put("compute", new JsonObject().put("instances", computeInstances))
      .put("shutdown", new JsonObject().put("graceMs", 1000)));
  }

  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @DisplayName("shows both nodes and which one ran a job, and drops a node within 10 s of its stop")
  void showsEveryNodeAndDropsAStoppedOne() throws Exception {
    browser.get("http://" + HOST + ":" + http.httpPort() + "/dashboard");
    browser.until(Duration.ofSeconds(30), page -> nodeIds(), ids -> ids.equals(List.of(http.id(), compute.id())),
      "both nodes, the serving one first");
    browser.until(Duration.ofSeconds(10), page -> page.findElements(By.cssSelector("#members tr[data-member]")).size(),
      rows -> rows == 2, "both members in the cluster table");

    HttpResponse<Buffer> processed = await(onLoop(() -> client.get(http.httpPort(), HOST, "/process?iterations=1000")
      .send()));
    assertEquals(200, processed.statusCode(), processed.bodyAsString());
    browser.until(Duration.ofSeconds(10), page -> page.findElement(By.cssSelector("#recent-jobs tr td:nth-child(4)"))
      .getText(), ranOn -> ranOn.equals(compute.id()), "the job as run on the compute node");
    String computeSection = "section[data-node='" + compute.id() + "']";
    browser.until(Duration.ofSeconds(10),
      page -> page.findElement(By.cssSelector(computeSection + " .node-meta")).getText(),
      meta -> meta.contains("compute") && meta.contains("×1"), "the compute node's roles and instances");
    browser.screenshot("dashboard-cluster");

    long stopped = System.nanoTime();
    await(computeVertx.close());
    computeVertx = null;
    browser.until(Duration.ofSeconds(10), page -> nodeIds(), ids -> ids.equals(List.of(http.id())),
      "only the HTTP node, once the compute node stopped");
    long goneAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stopped);
    browser.screenshot("dashboard-cluster-after-stop");
    assertTrue(goneAfterMs <= 10_000, "the stopped node was shown for " + goneAfterMs + " ms");
  }

  private List<String> nodeIds() {
    return browser.all("section[data-node]").stream().map(section -> section.getAttribute("data-node")).toList();
  }

  private <T> Future<T> onLoop(Supplier<Future<T>> request) {
    Promise<T> answer = Promise.promise();
    httpVertx.runOnContext(v -> request.get().onComplete(answer));
    return answer.future();
  }

  private static <T> T await(Future<T> future) throws Exception {
    CompletableFuture<T> done = future.toCompletionStage().toCompletableFuture();
    return done.get(60, TimeUnit.SECONDS);
  }
}
