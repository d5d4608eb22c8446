package io.lanes.fanout;

import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/** What the fan-out route tests share: a {@link FakeUpstreamVerticle} deployed before each test, a client, a data dir. */
@ExtendWith(VertxExtension.class)
abstract class FakeUpstreamTest {

  @TempDir
  Path dataDir;

  Vertx vertx;
  WebClient client;
  FakeUpstreamVerticle fake;

  @BeforeEach
  void deployFake(Vertx vertx, VertxTestContext testContext) {
    this.vertx = vertx;
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    FanoutNodes.fakeUpstream(vertx)
      .onSuccess(deployed -> fake = deployed)
      .onComplete(testContext.succeedingThenComplete());
  }
}
