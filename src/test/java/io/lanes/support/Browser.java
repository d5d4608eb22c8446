package io.lanes.support;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Headless Chromium driven through Selenium, for the tests tagged {@code browser}: the {@code chromium} and
 * {@code chromedriver} binaries that Debian's {@code chromium} and {@code chromium-driver} put on the PATH, both given
 * explicitly so Selenium Manager never downloads anything. {@link #open()} skips the calling test (an assumption failure,
 * reported as skipped) when either is missing. Screenshots go to {@value #SCREENSHOTS}.
 */
public final class Browser implements AutoCloseable {

  public static final String SCREENSHOTS = "target/browser";
  private static final List<String> CHROMIUM = List.of("chromium", "chromium-browser");
  private static final String DRIVER = "chromedriver";
  private static final Dimension WINDOW = new Dimension(1440, 1500);
  private static final int MIN_HEIGHT = 600;
  private static final int MAX_HEIGHT = 6000;

  private final ChromeDriverService service;
  private final ChromeDriver driver;

  private Browser(ChromeDriverService service, ChromeDriver driver) {
    this.service = service;
    this.driver = driver;
  }

  /**
   * Skips the calling test (an assumption failure, which surefire reports as skipped, with this message) when there is no
   * browser on the PATH. Call it in {@code @BeforeEach}: from {@code @BeforeAll} the skip would not count the tests.
   */
  public static void assumeAvailable() {
    Optional<Path> chromium = chromium();
    Optional<Path> chromedriver = onPath(DRIVER);
    Assumptions.assumeTrue(chromium.isPresent() && chromedriver.isPresent(),
      "no browser: the browser tests need chromium and chromedriver on the PATH "
        + "(Debian: apt-get install chromium chromium-driver); found chromium=" + chromium.orElse(null)
        + ", chromedriver=" + chromedriver.orElse(null));
  }

  /** Whether {@link #assumeAvailable()} would let a test run. */
  public static boolean available() {
    return chromium().isPresent() && onPath(DRIVER).isPresent();
  }

  /** A fresh headless browser; the test calling it is skipped, saying why, when there is no browser on the PATH. */
  public static Browser open() {
    assumeAvailable();
    Optional<Path> chromium = chromium();
    Optional<Path> chromedriver = onPath(DRIVER);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(chromedriver.get().toFile())
      .usingAnyFreePort()
      .withLogOutput(OutputStream.nullOutputStream())
      .build();
    ChromeOptions options = new ChromeOptions()
      .setBinary(chromium.get().toFile())
      .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-extensions", "--no-first-run", "--hide-scrollbars",
        "--window-size=" + WINDOW.getWidth() + "," + WINDOW.getHeight());
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(WINDOW);
    return new Browser(service, driver);
  }

  private static Optional<Path> chromium() {
    return CHROMIUM.stream().map(Browser::onPath).flatMap(Optional::stream).findFirst();
  }

  /** The first executable file named {@code name} in a directory of the PATH. */
  public static Optional<Path> onPath(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    return Arrays.stream(path.split(File.pathSeparator))
      .filter(dir -> !dir.isEmpty())
      .map(dir -> Path.of(dir, name))
      .filter(Files::isExecutable)
      .findFirst();
  }

  public WebDriver driver() {
    return driver;
  }

  public void get(String url) {
    driver.get(url);
  }

  /** The elements matching {@code css} now (none is fine). */
  public List<WebElement> all(String css) {
    return driver.findElements(By.cssSelector(css));
  }

  /**
   * Polls the page (every 50 ms, up to {@code timeout}) until {@code read} gives a value {@code done} accepts, and
   * returns it; the error names {@code what} and the last value read when it never does.
   */
  public <T> T until(Duration timeout, Function<WebDriver, T> read, Predicate<T> done, String what) {
    Object[] last = {null};
    return new WebDriverWait(driver, timeout)
      .pollingEvery(Duration.ofMillis(50))
      .ignoring(StaleElementReferenceException.class)
      .withMessage(() -> "the page did not show " + what + " within " + timeout.toMillis() + " ms; last read: " + last[0])
      .until(page -> {
        T value = read.apply(page);
        last[0] = value;
        return value != null && done.test(value) ? value : null;
      });
  }

  /** Saves the whole page as {@value #SCREENSHOTS}{@code /<name>.png} (the window grown or shrunk to its height). */
  public Path screenshot(String name) {
    // measured in a short window (the page's height is at least the window's); the window's own frame comes on top
    driver.manage().window().setSize(new Dimension(WINDOW.getWidth(), MIN_HEIGHT));
    Number content = (Number) driver.executeScript("return document.documentElement.scrollHeight");
    Number frame = (Number) driver.executeScript("return window.outerHeight - window.innerHeight");
    driver.manage().window().setSize(new Dimension(WINDOW.getWidth(),
      (int) Math.min(MAX_HEIGHT, content.longValue() + frame.longValue())));
    try {
      Path target = Path.of(SCREENSHOTS, name + ".png");
      Files.createDirectories(target.getParent());
      File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      service.stop();
    }
  }
}
