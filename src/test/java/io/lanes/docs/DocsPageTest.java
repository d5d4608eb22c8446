package io.lanes.docs;

import io.lanes.http.ApiContract;
import io.lanes.support.Browser;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.openapi.contract.Operation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** /docs in a real browser (headless Chromium): every operation is listed, and "Try it out" calls this node. */
@Tag("browser")
@ExtendWith(VertxExtension.class)
@DisplayName("The /docs page")
class DocsPageTest {

  private static final Duration PAGE = Duration.ofSeconds(20);

  @TempDir
  Path dataDir;

  private Browser browser;

  @AfterEach
  void closeTheBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  @DisplayName("lists every operation of the contract, and runs GET /hello (200) and GET /write?bytes=-1 (400 naming bytes)")
  void listsAndTriesOperations(Vertx vertx) throws Exception {
    browser = Browser.open();
    TestNode node = TestNodes.start(vertx, TestNodes.config(dataDir, new JsonObject()))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    ApiContract contract = ApiContract.load(vertx, Map.of()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Set<String> operations = contract.openApi().operations().stream()
      .map(operation -> operation.getHttpMethod().name() + " " + operation.getOpenAPIPath())
      .collect(Collectors.toCollection(TreeSet::new));
    String base = "http://127.0.0.1:" + node.httpPort();

    browser.get(base + "/docs");
    Set<String> listed = browser.until(PAGE, page -> listed(), shown -> shown.size() >= operations.size(),
      "every operation of the contract");
    assertEquals(operations, listed);

    Operation hello = contract.openApi().operation("hello");
    assertEquals("200", tryIt(base, hello, Map.of()), "GET /hello from the page");
    assertTrue(responseBody().contains("Hello world"), responseBody());

    Operation write = contract.openApi().operation("write");
    assertEquals("400", tryIt(base, write, Map.of("bytes", "-1")), "GET /write?bytes=-1 from the page");
    String body = responseBody();
    assertTrue(body.contains("bad parameter: bytes"), body);
    ((org.openqa.selenium.JavascriptExecutor) browser.driver()).executeScript(
      "document.getElementById('operations-files-write').scrollIntoView(true);");
    Path shot = browser.screenshot("api-docs");
    Files.copy(shot, Path.of(Browser.SCREENSHOTS, "api-docs-latest.png"), StandardCopyOption.REPLACE_EXISTING);
  }

  /** "METHOD /path" of every operation block the page shows. */
  private Set<String> listed() {
    Set<String> shown = new TreeSet<>();
    for (WebElement block : browser.all(".opblock")) {
      List<WebElement> method = block.findElements(By.cssSelector(".opblock-summary-method"));
      List<WebElement> path = block.findElements(By.cssSelector(".opblock-summary-path"));
      if (!method.isEmpty() && !path.isEmpty()) {
        shown.add(method.get(0).getText().trim() + " " + path.get(0).getAttribute("data-path"));
      }
    }
    return shown;
  }

  /** Opens the operation, presses "Try it out", fills {@code values}, executes; the status the page shows. */
  private String tryIt(String base, Operation operation, Map<String, String> values) {
    String id = "operations-" + operation.getTags().get(0) + "-" + operation.getOperationId();
    WebElement block = browser.until(PAGE, page -> page.findElements(By.id(id)).stream().findFirst().orElse(null),
      found -> true, "operation " + id);
    if (block.findElements(By.cssSelector(".try-out__btn")).isEmpty()) {
      block.findElement(By.cssSelector(".opblock-summary-control")).click();
    }
    browser.until(PAGE, page -> block.findElements(By.cssSelector(".try-out__btn")).isEmpty() ? null : block,
      found -> true, "operation " + id + " opened");
    // The page opens operations with "Try it out" on (tryItOutEnabled); press it only if it is not.
    if (block.findElements(By.cssSelector("button.execute")).isEmpty()) {
      block.findElement(By.cssSelector(".try-out__btn")).click();
    }
    WebElement execute = browser.until(PAGE, page -> block.findElements(By.cssSelector("button.execute")).stream()
      .findFirst().orElse(null), found -> true, "the Execute button of " + id);
    values.forEach((name, value) -> {
      WebElement input = browser.until(PAGE, page -> block.findElements(
          By.cssSelector("tr[data-param-name='" + name + "'] input")).stream().findFirst().orElse(null),
        found -> true, "the input of " + name);
      input.clear();
      input.sendKeys(value);
    });
    execute.click();
    return browser.until(PAGE, page -> block.findElements(By.cssSelector(".live-responses-table tr.response td.response-col_status"))
      .stream().findFirst().map(status -> status.getText().trim()).orElse(null), status -> !status.isEmpty(),
      "the response of " + id);
  }

  private String responseBody() {
    return browser.all(".live-responses-table tr.response td.response-col_description pre").stream()
      .map(WebElement::getText).collect(Collectors.joining("\n"));
  }
}
