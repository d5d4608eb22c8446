package io.lanes.dashboard;

import io.lanes.support.BlocksEventLoopOnPurpose;
import io.lanes.support.Browser;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.lanes.support.TestVertx;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.core.http.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard of one node in headless Chromium (skipped without a browser: see {@link Browser}): what the page shows
 * while the blocking lane fills and drains, and while a write blocks an event loop. Screenshots under
 * {@value Browser#SCREENSHOTS}.
 */
@Tag("browser")
@DisplayName("The dashboard, in a real browser")
// Each test stands alone; the order only makes the last screenshot (the busy node) show the others in its sparklines.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DashboardBrowserTest {

  private static final String HOST = "127.0.0.1";
  private static final int SYNCS = 20;

  @TempDir
  static Path dataDir;

  private static Browser browser;
  private static Vertx vertx;
  private static TestNode node;
  private static WebClient client;

  @BeforeAll
  static void start() throws Exception {
    if (!Browser.available()) {
      return; // each test says it is skipped, and why (assumeBrowser)
    }
    browser = Browser.open();
    vertx = Vertx.vertx(TestVertx.options());
    // the 20 /sync at once need 20 connections (the default pool has 5 per host)
    client = WebClient.create(vertx, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(2 * SYNCS));
    // fsync: the event-loop write takes its disk's time, not only the page cache's, however fast the machine
    JsonObject overrides = new JsonObject()
      .put("demo", new JsonObject().put("allowEventLoopBlocking", true))
      .put("files", new JsonObject().put("fsync", true))
      .put("schedules", new JsonArray()
        .add(new JsonObject().put("name", "heartbeat").put("intervalMs", 1000))
        .add(new JsonObject().put("name", "scratch-sweeper").put("intervalMs", 60_000)));
    node = TestNodes.start(vertx, TestNodes.config(dataDir, overrides))
      .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() throws Exception {
    if (browser != null) {
      browser.close();
    }
    if (vertx != null) {
      vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @BeforeEach
  void assumeBrowser() {
    Browser.assumeAvailable();
  }

  @Test
  @Order(1)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @DisplayName("shows the blocking lane reach 20 in flight within 3 s of 20 concurrent /sync?seconds=3, then 0 again")
  void blockingLaneFillsAndDrains() throws Exception {
    open();
    String lane = nodeSection() + " tr[data-lane='blocking'] [data-field='inFlight']";
    browser.until(Duration.ofSeconds(10), page -> number(page, lane), shown -> shown == 0, "an idle blocking lane");

    long sent = System.nanoTime();
    List<Future<HttpResponse<Buffer>>> syncs = IntStream.range(0, SYNCS)
      .mapToObj(i -> onLoop(() -> client.get(node.httpPort(), HOST, "/sync?seconds=3").send()))
      .toList();
    browser.until(Duration.ofSeconds(3), page -> number(page, lane), shown -> shown == SYNCS,
      SYNCS + " in flight in the blocking lane");
    long shownAfterMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - sent);
    browser.screenshot("dashboard-blocking-lane-full");

    browser.until(Duration.ofSeconds(20), page -> number(page, lane), shown -> shown == 0,
      "the blocking lane back to 0 in flight");
    for (Future<HttpResponse<Buffer>> sync : syncs) {
      assertEquals(200, sync.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS).statusCode());
    }
    assertTrue(shownAfterMs <= 3000, "20 in flight shown after " + shownAfterMs + " ms");
  }

  @Test
  @Order(2)
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  @BlocksEventLoopOnPurpose("a 256 MiB write on the event loop (/write_bad) is the lag the page must show")
  @DisplayName("shows a loop lag above 100 ms while /write_bad writes 256 MiB on the event loop")
  void loopLagOfTheEventLoopWrite() throws Exception {
    open();
    String lags = nodeSection() + " tr[data-loop] [data-field='lagMs']";
    // the page first shows quiet loops, so the lag it shows next is the write's (not a start-up stall)
    browser.until(Duration.ofSeconds(20), page -> worst(page, lags), worst -> worst < 50, "every loop's lag under 50 ms");

    Future<HttpResponse<Buffer>> write = onLoop(() -> client.get(node.httpPort(), HOST, "/write_bad?bytes=268435456")
      .timeout(60_000).send());
    double shown = browser.until(Duration.ofSeconds(20), page -> worst(page, lags), worst -> worst > 100,
      "a loop lag above 100 ms");
    browser.screenshot("dashboard-write-bad-lag");

    HttpResponse<Buffer> written = write.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    assertEquals(200, written.statusCode(), written.bodyAsString());
    assertEquals("event-loop", written.bodyAsJsonObject().getString("mode"));
    assertTrue(shown > 100, "lag shown: " + shown);
  }

  @Test
  @Order(3)
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  @BlocksEventLoopOnPurpose("the busy node includes one /write_bad, so that its loops' panel shows a stall")
  @DisplayName("fills every panel of a busy node: lanes, loops, requests, tasks, jobs, the last runs and schedules")
  void fillsEveryPanelOfABusyNode() throws Exception {
    open();
    String section = nodeSection();
    long hello = vertx.setPeriodic(100, id -> {
      for (int i = 0; i < 20; i++) {
        client.get(node.httpPort(), HOST, "/hello").send();
      }
    });
    try {
      List<Future<HttpResponse<Buffer>>> work = new ArrayList<>();
      IntStream.range(0, 12).forEach(i -> work.add(onLoop(() -> client.get(node.httpPort(), HOST, "/sync?seconds=6").send())));
      IntStream.range(0, 6).forEach(i -> work.add(onLoop(() -> client.get(node.httpPort(), HOST,
        "/task/" + (900 + i) + "?seconds=6").send())));
      IntStream.range(0, 4).forEach(i -> work.add(onLoop(() -> client.get(node.httpPort(), HOST,
        "/write?bytes=16777216&mode=worker").send())));
      work.add(onLoop(() -> client.get(node.httpPort(), HOST, "/process?iterations=2000000").send()));
      work.add(onLoop(() -> client.post(node.httpPort(), HOST, "/jobs")
        .sendJsonObject(new JsonObject().put("type", "sum-mod").put("n", 7).put("iterations", 1_000_000))));
      work.add(onLoop(() -> client.get(node.httpPort(), HOST, "/write_bad?bytes=268435456").timeout(60_000).send()));

      browser.until(Duration.ofSeconds(10), page -> number(page, section + " tr[data-lane='blocking'] [data-field='inFlight']"),
        shown -> shown >= 12, "12 in flight in the blocking lane");
      browser.until(Duration.ofSeconds(10), page -> number(page, section + " tr[data-kind='tasks'] [data-field='running']"),
        shown -> shown == 6, "6 tasks running");
      browser.until(Duration.ofSeconds(10), page -> number(page, section + " tr[data-kind='jobs'] [data-field='done']"),
        shown -> shown >= 1, "the async job done");
      browser.until(Duration.ofSeconds(10), page -> page.findElements(By.cssSelector("#recent-jobs tr")).stream()
          .filter(row -> row.getText().contains(node.id())).count(), runs -> runs >= 2,
        "the two compute runs, as run on this node");
      browser.until(Duration.ofSeconds(10), page -> Double.valueOf(page.findElement(By.cssSelector(
          section + " tr[data-group='/hello'] [data-field='perSecond']")).getText()), rate -> rate > 10,
        "a /hello request rate");
      browser.until(Duration.ofSeconds(20), page -> worst(page, section + " tr[data-loop] [data-field='maxLagMs']"),
        worst -> worst > 100, "the stall of the event-loop write");
      browser.until(Duration.ofSeconds(10), page -> number(page, section + " tr[data-schedule='heartbeat'] [data-field='runs']"),
        runs -> runs >= 1, "a heartbeat run");
      browser.screenshot("dashboard-busy-node");
      for (Future<HttpResponse<Buffer>> done : work) {
        int status = done.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS).statusCode();
        assertTrue(status == 200 || status == 202, "status " + status);
      }
    } finally {
      vertx.cancelTimer(hello);
    }
  }

  private void open() {
    browser.get("http://" + HOST + ":" + node.httpPort() + "/dashboard");
    browser.until(Duration.ofSeconds(15), page -> page.findElements(By.cssSelector(nodeSection() + " tr[data-lane]")),
      rows -> rows.size() == 4, "this node's four lanes");
  }

  private static String nodeSection() {
    return "section[data-node='" + node.id() + "']";
  }

  private static Integer number(WebDriver page, String css) {
    return Integer.valueOf(page.findElement(By.cssSelector(css)).getText().trim());
  }

  /** The largest number among the cells matching {@code css}. */
  private static Double worst(WebDriver page, String css) {
    List<WebElement> cells = page.findElements(By.cssSelector(css));
    return cells.isEmpty() ? null : cells.stream().mapToDouble(cell -> Double.parseDouble(cell.getText().trim())).max()
      .orElseThrow();
  }

  /** Starts a request from an event loop (a client chain built off Vert.x threads can miss its answer: vert.x#6038). */
  private static <T> Future<T> onLoop(Supplier<Future<T>> request) {
    Promise<T> answer = Promise.promise();
    vertx.runOnContext(v -> request.get().onComplete(answer));
    return answer.future();
  }
}
