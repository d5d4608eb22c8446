package io.lanes.http;

import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

@ExtendWith(VertxExtension.class)
@DisplayName("Keep-alive that tells the truth")
class KeepAliveHeaderTest {

  @TempDir
  Path dataDir;

  private NetClient raw;
  private HttpClient client;

  private Future<TestNode> node(Vertx vertx, int idleTimeoutSeconds) {
    return TestNodes.start(vertx, TestNodes.config(dataDir,
      new JsonObject().put("http", new JsonObject().put("idleTimeoutSeconds", idleTimeoutSeconds))));
  }

  /** Sends {@code request} as it is and completes with the response head's {@code Keep-Alive} value (null: none). */
  private Future<String> keepAliveOf(Vertx vertx, int port, String request) {
    if (raw == null) {
      raw = vertx.createNetClient();
    }
    return raw.connect(port, "127.0.0.1").compose(socket -> {
      Promise<String> head = Promise.promise();
      Buffer received = Buffer.buffer();
      socket.handler(data -> {
        received.appendBuffer(data);
        String text = received.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        if (end >= 0 && head.tryComplete(header(text.substring(0, end), "keep-alive"))) {
          socket.close();
        }
      });
      socket.closeHandler(v -> head.tryFail("closed before the response head: " + received));
      return socket.write(request).compose(v -> head.future());
    });
  }

  private static String header(String head, String name) {
    return head.lines().skip(1)
      .filter(line -> line.toLowerCase(Locale.ROOT).startsWith(name + ":"))
      .map(line -> line.substring(line.indexOf(':') + 1).trim())
      .findFirst().orElse(null);
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("says timeout=N, a second below http.idleTimeoutSeconds, on every response of a connection that stays open")
  void saysTheTimeoutOnKeepAliveResponses(Vertx vertx, VertxTestContext testContext) {
    node(vertx, 5)
      .compose(node -> {
        int port = node.httpPort();
        return Future.all(List.of(
          keepAliveOf(vertx, port, "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"),
          keepAliveOf(vertx, port, "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"),
          keepAliveOf(vertx, port, "DELETE /hello HTTP/1.1\r\nHost: x\r\n\r\n"),
          keepAliveOf(vertx, port, "GET /sync?seconds=abc HTTP/1.1\r\nHost: x\r\n\r\n"),
          keepAliveOf(vertx, port, "GET /hello HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"),
          keepAliveOf(vertx, port, "GET /hello HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"),
          keepAliveOf(vertx, port, "GET /hello HTTP/1.0\r\n\r\n")));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        List<String> values = all.list();
        assertEquals("timeout=4", values.get(0), "200");
        assertEquals("timeout=4", values.get(1), "404");
        assertEquals("timeout=4", values.get(2), "405");
        assertEquals("timeout=4", values.get(3), "400");
        assertEquals("timeout=4", values.get(4), "HTTP/1.0 that asks for keep-alive");
        assertNull(values.get(5), "a connection the request closes");
        assertNull(values.get(6), "HTTP/1.0 without keep-alive");
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("sends none when no whole second lies below the idle timeout (1 s): timeout=0 would mean forever")
  void sendsNoneBelowOneSecond(Vertx vertx, VertxTestContext testContext) {
    node(vertx, 1)
      .compose(node -> keepAliveOf(vertx, node.httpPort(), "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"))
      .onComplete(testContext.succeeding(value -> testContext.verify(() -> {
        assertNull(value);
        testContext.completeNow();
      })));
  }

  @Test
  @Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
  @DisplayName("makes a Vert.x client with a 60 s keep-alive of its own stop reusing a connection before the server closes it")
  void vertxClientHonoursIt(Vertx vertx, VertxTestContext testContext) {
    // Vert.x evicts an expired connection when its pool cleaner runs (every second by default), not when it leases one:
    // a cleaner period well below the header's one-second margin lets the test see the expiry itself.
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setKeepAliveTimeout(60),
      new PoolOptions().setCleanerPeriod(100));
    node(vertx, 2)
      .compose(node -> connectionOfHello(node.httpPort())
        // the first connection back in the pool, well within the advertised timeout=1
        .compose(first -> vertx.timer(100, TimeUnit.MILLISECONDS).compose(v -> connectionOfHello(node.httpPort()))
          .map(second -> List.of(first, second)))
        // past timeout=1, before the server's idle timeout of 2 s closes the connection
        .compose(two -> vertx.timer(1500, TimeUnit.MILLISECONDS).compose(v -> connectionOfHello(node.httpPort()))
          .map(third -> List.of(two.get(0), two.get(1), third))))
      .onComplete(testContext.succeeding(connections -> testContext.verify(() -> {
        assertSame(connections.get(0), connections.get(1), "a connection within its keep-alive timeout is reused");
        assertNotSame(connections.get(1), connections.get(2), "the expired connection should not have been reused");
        testContext.completeNow();
      })));
  }

  /** GET /hello; the connection it went over, once its whole answer (200) is in. */
  private Future<HttpConnection> connectionOfHello(int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/hello")
      .compose(request -> request.send().compose(response -> response.body().map(body -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("GET /hello answered " + response.statusCode() + " " + body);
        }
        return request.connection();
      })));
  }
}
