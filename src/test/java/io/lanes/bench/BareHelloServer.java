package io.lanes.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;

/**
 * The benchmark's reference: a bare Vert.x HttpServer answering /hello's JSON, no router, no lanes. scripts/bench runs it
 * beside Lanes in the same run: {@code java -cp ... io.lanes.bench.BareHelloServer <port> <instances>}.
 */
public final class BareHelloServer extends VerticleBase {

  private static final String BODY = new JsonObject().put("message", "Hello world").encode();

  private final int port;

  private BareHelloServer(int port) {
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return vertx.createHttpServer()
      .requestHandler(request -> request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end(BODY))
      .listen(port, "127.0.0.1");
  }

  public static void main(String[] args) {
    int port = Integer.parseInt(args[0]);
    int instances = Integer.parseInt(args[1]);
    Vertx vertx = Vertx.vertx();
    vertx.deployVerticle(() -> new BareHelloServer(port), new DeploymentOptions().setInstances(instances))
      .onSuccess(id -> System.out.println("bare server ready on " + port))
      .onFailure(cause -> {
        cause.printStackTrace();
        System.exit(1);
      });
  }
}
