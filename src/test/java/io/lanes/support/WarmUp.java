package io.lanes.support;

import io.lanes.app.MainVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Once per test JVM, before the first test: a throwaway Lanes node serves one request of each kind, so the JVM has
 * loaded and linked what the lanes use (Jackson, Netty's allocators, Micrometer, vertx-web) before any test's event loop
 * is watched by {@link NoBlockedEventLoops}. Without it, the first test to touch each library stalls its loop for up to a
 * second of class loading on a busy 2-core machine.
 */
final class WarmUp {

  private static final AtomicBoolean DONE = new AtomicBoolean();
  private static final List<String> REQUESTS = List.of("/", "/hello", "/health", "/ready", "/metrics",
    "/sync?seconds=0", "/async?seconds=0", "/write?bytes=70000", "/write_async?bytes=70000",
    "/write_with_thread?bytes=70000", "/process?iterations=1000", "/fetch-data", "/complex-task", "/schedules",
    "/task/1?seconds=0", "/nowhere", "/sync?seconds=abc");

  private WarmUp() {
  }

  static void once() {
    if (!DONE.compareAndSet(false, true)) {
      return;
    }
    Path dataDir;
    try {
      dataDir = Files.createTempDirectory("lanes-warm-up");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Vertx vertx = Vertx.vertx();
    try {
      MainVerticle main = new MainVerticle();
      WebClient client = WebClient.create(vertx);
      vertx.deployVerticle(main, new DeploymentOptions().setConfig(TestNodes.config(dataDir, new JsonObject())))
        .compose(id -> main.httpPort())
        .compose(port -> Future.join(REQUESTS.stream()
          .map(uri -> client.get(port, "127.0.0.1", uri).send())
          .toList())
          .compose(all -> client.post(port, "127.0.0.1", "/send").sendJsonObject(new JsonObject().put("message", "warm")))
          .compose(sent -> client.post(port, "127.0.0.1", "/jobs")
            .sendJsonObject(new JsonObject().put("type", "sum-mod").put("iterations", 1000))))
        .map(HttpResponse<Buffer>::statusCode)
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      // A warm-up that fails only leaves the JVM colder; the tests report what is really wrong.
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
    }
  }
}
