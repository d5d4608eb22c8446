package io.lanes.http;

import io.lanes.support.TestNode;
import io.lanes.support.TestNodes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The contract, the router built from it, the validation and the README cannot drift apart. */
@ExtendWith(VertxExtension.class)
@DisplayName("The OpenAPI contract")
class ContractTest {

  /** Routes that are no API operation: the contract itself and its page, the dashboard, its stream and its assets. */
  private static final Set<String> PLAIN_ROUTES = Set.of("GET /openapi.json", "GET /openapi.yaml", "GET /docs",
    "GET /docs/", "GET /dashboard/", "GET /dashboard/events", "GET /dashboard/uplot/");

  @TempDir
  Path dataDir;

  private WebClient client;

  private Future<TestNode> node(Vertx vertx) {
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    return TestNodes.start(vertx, TestNodes.config(dataDir, new JsonObject()));
  }

  private static ApiContract contract(Vertx vertx) throws Exception {
    return ApiContract.load(vertx, Map.of()).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** {@code GET /tasks/{task_id}} as the router writes it: {@code GET /tasks/:task_id}. */
  private static String routeOf(Operation operation) {
    return operation.getHttpMethod().name() + " " + operation.getOpenAPIPath().replaceAll("\\{([^}]+)}", ":$1");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("routes exactly its operations, each with a handler, plus the docs' own plain routes")
  void routerIsTheContract(Vertx vertx, VertxTestContext testContext) throws Exception {
    Set<String> operations = contract(vertx).openApi().operations().stream().map(ContractTest::routeOf)
      .collect(Collectors.toCollection(TreeSet::new));
    node(vertx).onComplete(testContext.succeeding(node -> testContext.verify(() -> {
      Set<String> routed = new TreeSet<>(node.main().routeTable());
      routed.removeAll(PLAIN_ROUTES);
      assertEquals(operations, routed, "the router serves what the contract says, and only that");
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("refuses to start an HTTP front when an operation of the contract has no handler")
  void everyOperationHasAHandler(Vertx vertx, VertxTestContext testContext) throws Exception {
    ApiContract contract = contract(vertx);
    io.lanes.config.LanesConfig config = io.lanes.config.LanesConfig.from(TestNodes.config(dataDir, new JsonObject()));
    HttpVerticle incomplete = new HttpVerticle(config.http(), config.shutdown(), new io.lanes.lifecycle.Readiness(),
      contract, instance -> List.of(new Routes() {
        @Override
        public void operations(Operations operations) {
          operations.handle("hello", ctx -> ctx.end());
        }
      }));
    vertx.deployVerticle(incomplete).onComplete(testContext.failing(refused -> testContext.verify(() -> {
      assertTrue(refused.getMessage().contains("without a handler"), refused.getMessage());
      assertTrue(refused.getMessage().contains("root"), refused.getMessage());
      testContext.completeNow();
    })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName("answers a bad value of every parameter with a status the operation documents, 400 naming the parameter")
  void documentedErrorStatuses(Vertx vertx, VertxTestContext testContext) throws Exception {
    ApiContract contract = contract(vertx);
    List<String[]> cases = new ArrayList<>();
    for (Operation operation : contract.openApi().operations()) {
      for (Parameter parameter : operation.getParameters()) {
        for (String bad : badValues(parameter)) {
          cases.add(new String[] {operation.getOperationId(), operation.getHttpMethod().name(),
            uriWith(operation, parameter, bad), parameter.getName(), bad});
        }
      }
    }
    assertTrue(cases.size() >= 20, "every parameter gets bad values: " + cases.size());
    node(vertx).compose(node -> {
      List<Future<HttpResponse<Buffer>>> answers = new ArrayList<>();
      for (String[] c : cases) {
        answers.add(client.request(HttpMethod.valueOf(c[1]), node.httpPort(), "127.0.0.1", c[2]).send());
      }
      return Future.join(answers).map(all -> answers);
    }).onComplete(testContext.succeeding(answers -> testContext.verify(() -> {
      for (int i = 0; i < cases.size(); i++) {
        String[] c = cases.get(i);
        HttpResponse<Buffer> answer = answers.get(i).result();
        Operation operation = contract.openApi().operation(c[0]);
        String what = c[1] + " " + c[2] + " -> " + answer.statusCode() + " " + answer.bodyAsString();
        assertTrue(operation.getResponse(answer.statusCode()) != null, "undocumented status: " + what);
        if (answer.statusCode() == 400) {
          assertEquals("bad parameter: " + c[3], answer.bodyAsJsonObject().getString("error"), what);
          assertEquals(c[3], answer.bodyAsJsonObject().getJsonObject("detail").getString("parameter"), what);
        } else {
          assertTrue(answer.statusCode() == 413 || answer.statusCode() == 404, "a bad value is 400 (413 past a limit): " + what);
        }
      }
      testContext.completeNow();
    })));
  }

  /** Values the parameter's schema refuses: the wrong type, under the minimum, over the maximum, off its pattern or enum. */
  private static List<String> badValues(Parameter parameter) {
    JsonObject schema = new JsonObject();
    parameter.getSchema().fieldNames().forEach(key -> schema.put(key, parameter.getSchema().get(key)));
    List<String> bad = new ArrayList<>();
    Object type = schema.getValue("type");
    if ("integer".equals(type) || "number".equals(type)) {
      bad.add("abc");
      if (schema.getValue("minimum") instanceof Number min) {
        bad.add(String.valueOf(min.longValue() - 1));
      }
      if (schema.getValue("maximum") instanceof Number max) {
        bad.add(String.valueOf(max.longValue() + 1));
      }
      if ("integer".equals(type)) {
        bad.add("1.5");
      }
    }
    if (schema.getValue("enum") instanceof JsonArray) {
      bad.add("no-such-value");
    }
    if (schema.getValue("pattern") != null) {
      bad.add("x1");
    }
    return bad;
  }

  /** The operation's path with its path parameters filled (with {@code bad} for {@code parameter}), and the query. */
  private static String uriWith(Operation operation, Parameter parameter, String bad) {
    String path = operation.getOpenAPIPath();
    Matcher placeholders = Pattern.compile("\\{([^}]+)}").matcher(path);
    StringBuilder filled = new StringBuilder();
    while (placeholders.find()) {
      placeholders.appendReplacement(filled, placeholders.group(1).equals(parameter.getName()) ? bad : "7");
    }
    placeholders.appendTail(filled);
    return switch (parameter.getIn()) {
      case QUERY -> filled + "?" + parameter.getName() + "=" + bad;
      default -> filled.toString();
    };
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("documents at /openapi.json this node's configured defaults and maxima, not the file's")
  void documentsTheNodesLimits(Vertx vertx, VertxTestContext testContext) {
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1"));
    JsonObject overrides = new JsonObject()
      .put("blocking", new JsonObject().put("defaultSleepSeconds", 2).put("maxSleepSeconds", 30))
      .put("files", new JsonObject().put("defaultBytes", 4096).put("maxBytes", 8192));
    TestNodes.start(vertx, TestNodes.config(dataDir, overrides))
      .compose(node -> client.get(node.httpPort(), "127.0.0.1", "/openapi.json").send())
      .onComplete(testContext.succeeding(answer -> testContext.verify(() -> {
        JsonObject parameters = answer.bodyAsJsonObject().getJsonObject("components").getJsonObject("parameters");
        JsonObject seconds = parameters.getJsonObject("SleepSeconds").getJsonObject("schema");
        assertEquals(2, seconds.getInteger("default"), seconds.encode());
        assertEquals(30, seconds.getInteger("maximum"), seconds.encode());
        JsonObject bytes = parameters.getJsonObject("Bytes").getJsonObject("schema");
        assertEquals(4096, bytes.getLong("default"), bytes.encode());
        assertEquals(8192, bytes.getLong("maximum"), bytes.encode());
        testContext.completeNow();
      })));
  }

  @Test
  @DisplayName("lists in the README's route table exactly the contract's paths")
  void readmeListsTheContractsPaths(Vertx vertx) throws Exception {
    Set<String> documented = contract(vertx).openApi().operations().stream().map(Operation::getOpenAPIPath)
      .collect(Collectors.toCollection(TreeSet::new));
    String readme = Files.readString(Path.of("README.md"));
    String table = readme.substring(readme.indexOf("| route | lane | answer |"));
    table = table.substring(0, table.indexOf("\n\n"));
    Set<String> listed = new TreeSet<>();
    Matcher routes = Pattern.compile("`(?:GET|POST|GET\\\\\\|POST) (/[^` ?\\[]*)[^`]*`|, `(/[^` ?\\[]*)[^`]*`").matcher(table);
    while (routes.find()) {
      listed.add(routes.group(1) != null ? routes.group(1) : routes.group(2));
    }
    listed.removeAll(Set.of("/openapi.json", "/openapi.yaml", "/docs", "/dashboard", "/dashboard/events"));
    assertEquals(documented, listed, "the README's route table and the contract");
  }

  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  @DisplayName("validates every parameter with one validator built at start-up, which still refuses what is out of range")
  void parameterValidatorsAreBuiltOnce(Vertx vertx) throws Exception {
    OpenAPIContract openApi = contract(vertx).openApi();
    Parameter iterations = openApi.operation("process").getParameters().stream()
      .filter(parameter -> parameter.getName().equals("iterations")).findFirst().orElseThrow();
    var first = openApi.getSchemaRepository().validator(iterations.getSchema());
    assertTrue(first == openApi.getSchemaRepository().validator(iterations.getSchema()),
      "a new validator for the same parameter: vertx-openapi copies every schema of the contract for each");
    assertTrue(first.validate(1000).getValid(), "1000 iterations refused");
    assertTrue(!first.validate(-1).getValid(), "-1 iterations accepted");
    int checked = 0;
    for (Operation operation : openApi.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        assertTrue(openApi.getSchemaRepository().validator(parameter.getSchema())
          == openApi.getSchemaRepository().validator(parameter.getSchema()), operation.getOperationId() + " " + parameter.getName());
        checked++;
      }
    }
    assertTrue(checked > 10, "only " + checked + " parameters in the contract");
  }
}
