package io.lanes.conformance;

import io.lanes.conformance.Conformance.Difference;
import io.lanes.conformance.Conformance.Example;
import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The original's example requests against a Lanes node with the default config ({@code /health} first, then all the
 * others at once): each answer has the original's status class and every key of the original's body with its value and
 * type, but for the documented deviations. {@code /sync} and {@code /async} are sent without {@code seconds}, as the original's clients do, and must
 * wait its 5 s.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Lanes answers the original's example requests as the original does")
class ConformanceTest {

  private static final Logger LOG = LoggerFactory.getLogger(ConformanceTest.class);
  private static final long ORIGINAL_WAIT_MS = 5000;

  @TempDir
  Path dataDir;

  private WebClient client;

  /** An answer and when it came. */
  private record Answer(Example example, int status, Object body, long millis) {
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("same status class, keys, values and types on every route of the original (deviations documented)")
  void answersAsTheOriginal(Vertx vertx, VertxTestContext testContext) throws IOException {
    List<Example> examples = Conformance.examples();
    // The default config but for the size of a write (the body does not depend on it) and the data directory.
    JsonObject config = TestNodes.config(dataDir, new JsonObject()
      .put("files", new JsonObject().put("defaultBytes", 1024 * 1024)));
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"),
      new PoolOptions().setHttp1MaxSize(examples.size()));
    TestNodes.start(vertx, config)
      // A fresh node's loops lag while its classes load, and /health says DOWN meanwhile: the original's answer is the
      // one of a healthy node. /health is then read alone, the other examples all at once.
      .compose(node -> healthy(vertx, node).map(node))
      .compose(node -> {
        List<Example> alone = examples.stream().filter(e -> e.path().equals("/health")).toList();
        return Future.all(alone.stream().map(e -> send(node, e)).toList())
          .compose(first -> {
            List<Future<Answer>> answers = new ArrayList<>(first.<Answer>list().stream().map(Future::succeededFuture).toList());
            examples.stream().filter(e -> !alone.contains(e)).forEach(example -> answers.add(send(node, example)));
            return Future.all(answers).map(all -> all.<Answer>list());
          });
      })
      .onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
        assertEquals(examples.size(), answers.size());
        List<String> unintended = new ArrayList<>();
        for (Answer answer : answers) {
          Example example = answer.example();
          List<Difference> differences = Conformance.judge(example, answer.status(), answer.body());
          boolean statusDeviates = differences.stream().anyMatch(d -> d.key().equals(Conformance.STATUS))
            && example.deviations().containsKey(Conformance.STATUS);
          for (Difference difference : differences) {
            if (example.deviations().containsKey(difference.key())) {
              LOG.info("{}: intended deviation {} ({})", example.name(), difference, example.deviations().get(difference.key()));
            } else if (!statusDeviates) {
              unintended.add(example.name() + " -> " + answer.status() + " " + Json.encode(answer.body()) + ": " + difference);
            }
          }
          if (example.path().equals("/sync") || example.path().equals("/async")) {
            assertTrue(answer.millis() >= ORIGINAL_WAIT_MS - 50,
              example.name() + " without seconds waits the original's 5 s, took " + answer.millis() + " ms");
          }
        }
        assertTrue(unintended.isEmpty(), "answers that differ from the original's:\n  " + String.join("\n  ", unintended));
        testContext.completeNow();
      })));
  }

  /** Once {@code /health} answers 200 (retried every 200 ms, within the test's timeout). */
  private Future<Void> healthy(Vertx vertx, TestNode node) {
    return client.get(node.httpPort(), "127.0.0.1", "/health").send()
      .compose(response -> response.statusCode() == 200
        ? Future.<Void>succeededFuture()
        : vertx.timer(200, TimeUnit.MILLISECONDS).compose(waited -> healthy(vertx, node)));
  }

  private Future<Answer> send(TestNode node, Example example) {
    long started = System.nanoTime();
    HttpRequest<Buffer> request = client.request(HttpMethod.valueOf(example.method()), node.httpPort(), "127.0.0.1",
      example.path());
    Future<HttpResponse<Buffer>> sent = example.json() == null ? request.send() : request.sendJsonObject(example.json());
    return sent.map(response -> new Answer(example, response.statusCode(), decode(response.bodyAsString()),
      TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
  }

  /** The body as JSON (object, array or scalar), or its text when it is not JSON. */
  private static Object decode(String body) {
    try {
      return body == null ? null : Json.decodeValue(body);
    } catch (io.vertx.core.json.DecodeException notJson) {
      return body;
    }
  }
}
