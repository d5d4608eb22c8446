package io.lanes.http;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.Operation;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The OpenAPI contract the router is built from ({@value #RESOURCE} on the class path), with this node's configured
 * limits written into it: a schema that names a config key with {@code x-lanes-max} gets that key's value as its
 * {@code maximum} (and one that names it with {@code x-lanes-default} gets it as its {@code default}), so the documented
 * maxima and defaults and the validated ones are the node's own. Served as-is at
 * {@code /openapi.json} and {@code /openapi.yaml}.
 */
public final class ApiContract {

  public static final String RESOURCE = "openapi.yaml";
  /** A schema extension naming the config key of its maximum (e.g. {@code files.maxBytes}). */
  static final String MAX_KEY = "x-lanes-max";
  /** A schema extension naming the config key of its default (e.g. {@code blocking.defaultSleepSeconds}). */
  static final String DEFAULT_KEY = "x-lanes-default";
  /** A schema extension: a value over its maximum answers this status (413 for {@code bytes}) instead of 400. */
  static final String OVER_MAXIMUM = "x-lanes-over-maximum";

  private final JsonObject document;
  private final String yaml;
  private final OpenAPIContract contract;
  /** The OpenAPI paths of the operations with a request body, by method (looked up on every request: no key built). */
  private final Map<HttpMethod, Set<String>> withBodies;

  private ApiContract(JsonObject document, String yaml, OpenAPIContract contract) {
    this.document = document;
    this.yaml = yaml;
    this.contract = contract;
    this.withBodies = contract.operations().stream()
      .filter(operation -> operation.getRequestBody() != null)
      .collect(Collectors.groupingBy(Operation::getHttpMethod,
        Collectors.mapping(Operation::getOpenAPIPath, Collectors.toUnmodifiableSet())));
  }

  /**
   * Reads {@value #RESOURCE}, writes {@code limits} (config key to value) into it and renders it as YAML, all off the
   * event loop (a YAML parser and printer are slow to load), then resolves it.
   */
  public static Future<ApiContract> load(Vertx vertx, Map<String, ? extends Number> limits) {
    return vertx.executeBlocking(() -> {
      JsonObject document = withLimits(new JsonObject(new Yaml(new SafeConstructor(new LoaderOptions()))
        .<Map<String, Object>>load(readResource())), limits);
      return new JsonObject().put("document", document).put("yaml", toYaml(document));
    }, false)
      .compose(loaded -> OpenAPIContract.from(vertx, loaded.getJsonObject("document").copy())
        // the validators are built off the loop too: each copies every schema of the contract
        .compose(contract -> vertx.executeBlocking(() -> new ValidatorCachingContract(contract), false))
        .map(contract -> new ApiContract(loaded.getJsonObject("document"), loaded.getString("yaml"), contract)));
  }

  /** The resolved contract, for the router and the validator. */
  public OpenAPIContract openApi() {
    return contract;
  }

  /** The document as served at {@code /openapi.json}: the class-path contract with this node's limits. */
  public JsonObject document() {
    return document.copy();
  }

  /** The same document as YAML, served at {@code /openapi.yaml}. */
  public String yaml() {
    return yaml;
  }

  /** The operation a request to {@code path} with {@code method} is, or null. */
  public Operation operation(String path, HttpMethod method) {
    return contract.findOperation(path, method);
  }

  /** Whether the contract gives {@code method path} (an OpenAPI path, like {@code /send}) a request body. */
  public boolean hasBody(HttpMethod method, String openApiPath) {
    Set<String> paths = withBodies.get(method);
    return paths != null && paths.contains(openApiPath);
  }

  private static String readResource() {
    try (InputStream in = ApiContract.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is not on the class path");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Every schema with {@value #MAX_KEY} gets the named limit as its {@code maximum}, and every one with
   * {@value #DEFAULT_KEY} the named value as its {@code default} (when the value is given).
   */
  static JsonObject withLimits(JsonObject document, Map<String, ? extends Number> limits) {
    patch(document, limits);
    return document;
  }

  private static void patch(Object node, Map<String, ? extends Number> limits) {
    if (node instanceof JsonObject object) {
      Object key = object.getValue(MAX_KEY);
      if (key instanceof String name && limits.containsKey(name)) {
        object.put("maximum", limits.get(name));
      }
      Object defaultKey = object.getValue(DEFAULT_KEY);
      if (defaultKey instanceof String name && limits.containsKey(name)) {
        object.put("default", limits.get(name));
      }
      object.forEach(entry -> patch(entry.getValue(), limits));
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> patch(item, limits));
    }
  }

  private static String toYaml(JsonObject document) {
    DumperOptions options = new DumperOptions();
    options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
    options.setIndent(2);
    options.setWidth(120);
    return new Yaml(options).dump(document.getMap());
  }
}
