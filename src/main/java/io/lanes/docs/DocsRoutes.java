package io.lanes.docs;

import io.lanes.http.ApiContract;
import io.lanes.http.Routes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The API's own description: {@code GET /openapi.json} and {@code /openapi.yaml}, the contract the router is built from
 * (with this node's limits), and {@code GET /docs}, Swagger UI from its webjar on the class path (no CDN) pointed at
 * {@code /openapi.json}, whose "Try it out" calls the node that serves the page.
 */
public final class DocsRoutes implements Routes {

  /** Where the swagger-ui webjar keeps its files. */
  static final String SWAGGER_UI = "META-INF/resources/webjars/swagger-ui/5.34.1";
  /** Lanes' own files for the page (its initializer), looked up before the webjar's. */
  static final String OWN_FILES = "lanes-docs";

  private final String json;
  private final String yaml;

  public DocsRoutes(ApiContract contract) {
    this.json = contract.document().encodePrettily();
    this.yaml = contract.yaml();
  }

  @Override
  public void mount(Router router) {
    router.get("/openapi.json").handler(ctx -> send(ctx, "application/json", json));
    router.get("/openapi.yaml").handler(ctx -> send(ctx, "application/yaml", yaml));
    // Vert.x matches /docs/ with /docs too: only the bare /docs is sent to the page (its relative links need the slash).
    router.get("/docs").handler(ctx -> {
      if (ctx.request().path().equals("/docs")) {
        ctx.redirect("/docs/");
      } else {
        ctx.next();
      }
    });
    router.get("/docs/*").handler(StaticHandler.create(OWN_FILES).setCachingEnabled(false));
    router.get("/docs/*").handler(StaticHandler.create(SWAGGER_UI));
  }

  private static void send(RoutingContext ctx, String contentType, String body) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(body);
  }
}
