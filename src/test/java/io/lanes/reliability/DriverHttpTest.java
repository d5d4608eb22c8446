package io.lanes.reliability;

import io.lanes.reliability.Http.Answer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The reliability driver's client ({@link Http}): a response that ends at once and is read late, and an idempotent request
 * whose connection closes under it. "Late" is a task on the event loop after the one that received the response, which is
 * what the chain {@code request.compose(send).compose(body)} built on the driver's thread amounts to when that thread
 * loses the CPU between two {@code compose} calls.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("The reliability driver's HTTP client")
class DriverHttpTest {

  private static final String ANSWER = "answered at once";
  /** Far longer than loopback needs to deliver a 16-byte response's head and end together. */
  private static final long LATE_MS = 200;

  private HttpServer server;
  private HttpClient client;
  private Http http;

  private Future<Integer> serve(Vertx vertx, Handler<HttpServerRequest> handler) {
    server = vertx.createHttpServer().requestHandler(handler);
    return server.listen(0, "127.0.0.1").map(HttpServer::actualPort);
  }

  private Future<Integer> answerAtOnce(Vertx vertx) {
    return serve(vertx, request -> request.response().end(ANSWER));
  }

  private static Future<Void> later(Vertx vertx) {
    return vertx.timer(LATE_MS, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("the racy form: body() asked for after the response ended never completes (Vert.x 5.0.10, eclipse-vertx/vert.x#6038)")
  void lateBodyOnTheRacyFormHangs(Vertx vertx, VertxTestContext testContext) {
    answerAtOnce(vertx)
      .compose(port -> {
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        return client.request(HttpMethod.GET, "/").compose(HttpClientRequest::send);
      })
      // A body that came would be there at once: a second is a generous bound for a hang.
      .compose(response -> later(vertx).compose(v -> response.body().timeout(1, TimeUnit.SECONDS)))
      .onComplete(testContext.failing(cause -> testContext.verify(() -> {
        // If this fails because the body came, Vert.x fixed #6038 (5.0.11+): Http.send's pause stays harmless.
        assertInstanceOf(TimeoutException.class, cause, "the late body() should hang in 5.0.10, got " + cause);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("the driver's send/body: the same response read just as late still completes with its body")
  void lateBodyThroughTheDriverCompletes(Vertx vertx, VertxTestContext testContext) {
    answerAtOnce(vertx)
      .compose(port -> {
        client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port));
        return Http.send(client, new RequestOptions().setURI("/"), null);
      })
      .compose(response -> later(vertx).compose(v -> Http.body(response).timeout(5, TimeUnit.SECONDS)))
      .onComplete(testContext.succeeding(body -> testContext.verify(() -> {
        assertEquals(ANSWER, body.toString());
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers every request of a burst from a plain thread over reused keep-alive connections")
  void burstFromAPlainThread(Vertx vertx, VertxTestContext testContext) throws Exception {
    int port = Http.await(answerAtOnce(vertx), 10);
    Http.Tally tally = new Http.Tally();
    http = new Http(vertx, port, 4, 30, tally);
    for (int round = 0; round < 20; round++) {
      List<Future<Answer>> calls = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        calls.add(http.call(HttpMethod.GET, "/", null, null, 2000));
      }
      for (Answer answer : Http.awaitAll(calls, 20)) {
        assertEquals(ANSWER, answer.body(), answer.toString());
      }
    }
    assertEquals(320, tally.requests());
    assertEquals(0, tally.retried());
    assertTrue(tally.unanswered().isEmpty(), tally.unanswered().toString());
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("sends an idempotent request once more when its connection closed before the answer, a POST never")
  void retriesAClosedIdempotentRequestOnce(Vertx vertx, VertxTestContext testContext) throws Exception {
    AtomicInteger seen = new AtomicInteger();
    // Every odd request closes its connection unanswered, as a server closing an idle connection under it would.
    int port = Http.await(serve(vertx, request -> {
      if (seen.incrementAndGet() % 2 == 1) {
        request.connection().close();
      } else {
        request.response().end(ANSWER);
      }
    }), 10);
    Http.Tally tally = new Http.Tally();
    http = new Http(vertx, port, 1, 30, tally);
    Answer get = Http.await(http.call(HttpMethod.GET, "/", null, null, 2000), 10);
    Answer post = Http.await(http.call(HttpMethod.POST, "/", null, Buffer.buffer("x"), 2000), 10);
    testContext.verify(() -> {
      assertEquals(ANSWER, get.body(), get.toString());
      assertTrue(get.retried(), "the GET should have been sent again");
      assertFalse(post.ok(), "a POST is not sent again: " + post);
      assertFalse(post.retried());
      assertEquals(3, seen.get(), "one GET closed, the same GET answered, one POST closed");
      assertEquals(1, tally.retried());
      assertTrue(tally.unanswered().isEmpty(), "a closed connection is an answer of its own, not a hang");
    });
    testContext.completeNow();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("sends it once more only: a connection that closes again is the answer")
  void retriesOnlyOnce(Vertx vertx, VertxTestContext testContext) throws Exception {
    AtomicInteger seen = new AtomicInteger();
    int port = Http.await(serve(vertx, request -> {
      seen.incrementAndGet();
      request.connection().close();
    }), 10);
    http = new Http(vertx, port, 1, 30, new Http.Tally());
    Answer get = Http.await(http.call(HttpMethod.GET, "/", null, null, 2000), 10);
    testContext.verify(() -> {
      assertFalse(get.ok(), get.toString());
      assertEquals(2, seen.get());
    });
    testContext.completeNow();
  }
}
