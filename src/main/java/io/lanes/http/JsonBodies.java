package io.lanes.http;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.openapi.router.RequestExtractor;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.validation.RequestParameter;
import io.vertx.openapi.validation.RequestUtils;
import io.vertx.openapi.validation.ValidatableRequest;

import java.util.Map;

/**
 * How the validator sees a request: its parameters, and the body a {@code BodyHandler} already read. A body that is a
 * JSON object or array is validated as {@code application/json} whatever its declared type ({@code curl -d} declares a
 * form, and Lanes has always read its bodies as JSON), and so is a body without a type. Any other body keeps its type,
 * so one the contract does not list is refused (415).
 */
final class JsonBodies implements RequestExtractor {

  private static final String JSON = "application/json";

  @Override
  public Future<ValidatableRequest> extractValidatableRequest(RoutingContext ctx, Operation operation) {
    Future<ValidatableRequest> extracted;
    try {
      extracted = RequestUtils.extract(ctx.request(), operation, () -> Future.succeededFuture(ctx.body().buffer()));
    } catch (RuntimeException undecodable) {
      // A value it cannot decode is thrown, not returned: the failure handler answers it like every refusal.
      return Future.failedFuture(undecodable);
    }
    return extracted.map(request -> readAsJson(request, ctx.body().buffer()) ? new AsJson(request) : request);
  }

  /** A body without a type is JSON (or malformed JSON); one declared otherwise is JSON only if it parses as such. */
  private static boolean readAsJson(ValidatableRequest request, Buffer body) {
    String type = request.getContentType();
    if (request.getBody() == null || type != null && type.startsWith(JSON)) {
      return false;
    }
    return type == null || isJson(body);
  }

  private static boolean isJson(Buffer body) {
    if (body == null || body.length() == 0) {
      return false;
    }
    try {
      Object value = Json.decodeValue(body);
      return value instanceof JsonObject || value instanceof JsonArray;
    } catch (DecodeException notJson) {
      return false;
    }
  }

  /** {@code request}, its body declared JSON. */
  private record AsJson(ValidatableRequest request) implements ValidatableRequest {

    @Override
    public String getContentType() {
      return JSON;
    }

    @Override
    public Map<String, RequestParameter> getCookies() {
      return request.getCookies();
    }

    @Override
    public Map<String, RequestParameter> getHeaders() {
      return request.getHeaders();
    }

    @Override
    public Map<String, RequestParameter> getPathParameters() {
      return request.getPathParameters();
    }

    @Override
    public Map<String, RequestParameter> getQuery() {
      return request.getQuery();
    }

    @Override
    public RequestParameter getBody() {
      return request.getBody();
    }
  }
}
