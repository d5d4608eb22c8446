package io.lanes.fanout;

import io.lanes.support.TestNode;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

@ExtendWith(VertxExtension.class)
@DisplayName("The embedded upstream stubs")
class EmbeddedUpstreamsTest {

  /** {@link FanoutNodes#fanout}: maxDelayMs 2000, stubMaxBytes 65536. */
  private static final List<String> OUT_OF_RANGE = List.of(
    "delay_ms=-1", "delay_ms=2001", "delay_ms=abc", "delay_ms=1.5",
    "status=199", "status=600", "status=ok",
    "trickle_ms=-1", "trickle_ms=2001",
    "bytes=-1", "bytes=65537", "bytes=1e9");

  @TempDir
  Path dataDir;

  private TestNode node;
  private WebClient client;
  private HttpClient rawClient;

  /** A second Vert.x for a node that calls these stubs: nodes in one Vert.x would share one listener. */
  private Vertx callerVertx;

  @AfterEach
  void closeCaller(VertxTestContext testContext) {
    if (callerVertx == null) {
      testContext.completeNow();
      return;
    }
    callerVertx.close().onComplete(testContext.succeedingThenComplete());
  }

  @BeforeEach
  void deploy(Vertx vertx, VertxTestContext testContext) {
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    rawClient = vertx.createHttpClient();
    FanoutNodes.lanes(vertx, dataDir, FanoutNodes.fanout(2000, 4, 4096, List.of()))
      .onSuccess(deployed -> node = deployed)
      .onComplete(testContext.succeedingThenComplete());
  }

  private Future<HttpResponse<Buffer>> get(String uri) {
    return client.get(node.httpPort(), "127.0.0.1", uri).send();
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answer httpbin-like bodies, with the asked status, ignoring unknown parameters")
  void answerHttpbinLikeBodies(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> json = get("/upstream/json?foo=bar");
    Future<HttpResponse<Buffer>> uuid = get("/upstream/uuid?status=503");
    Future<HttpResponse<Buffer>> ip = get("/upstream/ip");
    Future<HttpResponse<Buffer>> empty = get("/upstream/ip?status=204");
    Future.all(json, uuid, ip, empty).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertEquals(200, json.result().statusCode());
      assertEquals("application/json", json.result().getHeader("Content-Type"));
      JsonObject slideshow = json.result().bodyAsJsonObject().getJsonObject("slideshow");
      assertEquals("Yours Truly", slideshow.getString("author"));
      assertEquals(2, slideshow.getJsonArray("slides").size());
      assertEquals(503, uuid.result().statusCode());
      assertEquals(36, uuid.result().bodyAsJsonObject().getString("uuid").length());
      assertEquals(new JsonObject().put("origin", "127.0.0.1"), ip.result().bodyAsJsonObject());
      assertEquals(204, empty.result().statusCode());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("wait for delay_ms on a timer: /hello answers while a delayed stub is pending on the same event loop")
  void delayHoldsNoThread(VertxTestContext testContext) {
    Future<HttpResponse<Buffer>> delayed = get("/upstream/uuid?delay_ms=1500");
    get("/hello")
      .onSuccess(hello -> testContext.verify(() -> {
        assertEquals(200, hello.statusCode());
        assertFalse(delayed.isComplete(), "the delayed stub answered before /hello");
      }))
      .compose(hello -> delayed)
      .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
        assertEquals(200, answer.statusCode());
        assertTrue(answer.bodyAsJsonObject().containsKey("uuid"));
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuse out-of-range delay_ms, status, trickle_ms and bytes with a 400 naming the parameter")
  void rejectOutOfRangeParameters(VertxTestContext testContext) {
    List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
    OUT_OF_RANGE.forEach(query -> answers.add(get("/upstream/json?" + query)));
    Future.all(answers).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      for (int i = 0; i < OUT_OF_RANGE.size(); i++) {
        String parameter = OUT_OF_RANGE.get(i).split("=")[0];
        HttpResponse<Buffer> response = answers.get(i).result();
        assertEquals(400, response.statusCode(), OUT_OF_RANGE.get(i));
        assertEquals(parameter, response.bodyAsJsonObject().getJsonObject("detail").getString("parameter"));
      }
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("send a trickled body in pieces and pad a body to the asked bytes, both still JSON")
  void trickleAndPad(VertxTestContext testContext) {
    AtomicInteger pieces = new AtomicInteger();
    Buffer trickled = Buffer.buffer();
    // The response's handlers are set in send()'s own callback, on the event loop: a chain built on the test thread
    // could set them after the first pieces (or the end) came (eclipse-vertx/vert.x#6038).
    Future<Void> trickle = rawClient.request(HttpMethod.GET, node.httpPort(), "127.0.0.1", "/upstream/json?trickle_ms=300")
      .compose(request -> request.send().compose((HttpClientResponse response) -> {
        response.handler(piece -> {
          pieces.incrementAndGet();
          trickled.appendBuffer(piece);
        });
        return response.end();
      }));
    Future<HttpResponse<Buffer>> padded = get("/upstream/json?bytes=10000");
    Future<HttpResponse<Buffer>> unpadded = get("/upstream/json?bytes=10");
    Future.all(trickle, padded, unpadded).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      assertTrue(pieces.get() > 1, "the body came in " + pieces.get() + " piece(s)");
      assertEquals("Sample Slide Show", trickled.toJsonObject().getJsonObject("slideshow").getString("title"));
      assertEquals(10000, padded.result().body().length());
      assertEquals("Sample Slide Show", padded.result().bodyAsJsonObject().getJsonObject("slideshow").getString("title"));
      assertEquals(unpadded.result().bodyAsJsonObject().encode(), unpadded.result().bodyAsString());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.SECONDS)
  @DisplayName("drive every fan-out outcome when another node targets them")
  void driveFanOutFaults(VertxTestContext testContext) {
    String stubs = "http://127.0.0.1:" + node.httpPort();
    List<String> upstreams = List.of(
      stubs + "/upstream/json?delay_ms=100",
      stubs + "/upstream/uuid?trickle_ms=2000",
      stubs + "/upstream/ip?status=500",
      stubs + "/upstream/json?bytes=5000");
    callerVertx = Vertx.vertx();
    FanoutNodes.lanes(callerVertx, dataDir, FanoutNodes.fanout(400, 4, 4096, upstreams))
      .compose(caller -> client.get(caller.httpPort(), "127.0.0.1", "/fetch-data").send())
      .onComplete(testContext.succeeding(response -> testContext.verify(() -> {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        List<String> kinds = new ArrayList<>();
        response.bodyAsJsonObject().getJsonArray("upstreams").forEach(result -> {
          JsonObject error = ((JsonObject) result).getJsonObject("error");
          kinds.add(error == null ? "ok" : error.getString("kind"));
        });
        assertEquals(List.of("ok", "timeout", "http_status", "too_large"), kinds);
        testContext.completeNow();
      })));
  }
}
