package io.lanes.http;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.validation.SchemaValidationException;
import io.vertx.openapi.validation.ValidatorErrorType;
import io.vertx.openapi.validation.ValidatorException;
import io.vertx.ext.web.RoutingContext;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Turns the contract validator's refusals into the API's own answer, {@code 400 {"error":"bad parameter: <name>",
 * "detail":{"parameter","problem","value"}}}. The validator's exception has a type but no parameter field, so the
 * parameter is found among the request's operation's own parameters (the exception names exactly one of them), and a
 * body field from the schema error's instance location (for a {@code oneOf} body, in the branch its {@code type} picks).
 * A parameter whose schema says {@code x-lanes-over-maximum} answers that status when over its maximum (413 for
 * {@code bytes}).
 */
final class ContractFailures {

  private static final String BODY = "body";
  private static final String UNDECODABLE = "Can't decode URL value: ";
  private static final int MAX_ECHO_CHARS = 64;

  private final ApiContract contract;

  ContractFailures(ApiContract contract) {
    this.contract = contract;
  }

  ApiException answer(RoutingContext ctx, ValidatorException invalid) {
    Operation operation = contract == null ? null : contract.operation(ctx.request().path(), ctx.request().method());
    if (operation == null) {
      return new ApiException(400, "bad request", invalid.getMessage());
    }
    Optional<Parameter> parameter = operation.getParameters().stream()
      .filter(candidate -> names(invalid.getMessage(), candidate.getName()))
      // the longest name first: "bytes" must not be taken for a parameter named "by"
      .max(Comparator.comparingInt(candidate -> candidate.getName().length()));
    if (parameter.isPresent() && !invalid.getMessage().contains("request body")) {
      return forParameter(ctx, parameter.get(), invalid);
    }
    if (invalid.type() == ValidatorErrorType.ILLEGAL_VALUE && invalid.getMessage().startsWith(UNDECODABLE)) {
      return undecodable(ctx, operation, invalid.getMessage().substring(UNDECODABLE.length()));
    }
    return forBody(ctx, invalid);
  }

  /**
   * The validator decodes parameter values once more than Vert.x already did, and says only which value it could not
   * decode: the parameter is the one of this operation holding that value.
   */
  private static ApiException undecodable(RoutingContext ctx, Operation operation, String value) {
    for (Parameter candidate : operation.getParameters()) {
      String raw = switch (candidate.getIn()) {
        case PATH -> ctx.pathParam(candidate.getName());
        case QUERY -> ctx.request().getParam(candidate.getName());
        case HEADER -> ctx.request().getHeader(candidate.getName());
        default -> null;
      };
      if (raw != null && raw.contains(value)) {
        return ApiException.badParameter(candidate.getName(), "has an invalid percent-encoding", raw);
      }
    }
    return new ApiException(400, "malformed query", "a value has an invalid percent-encoding");
  }

  private ApiException forParameter(RoutingContext ctx, Parameter parameter, ValidatorException invalid) {
    String name = parameter.getName();
    String raw = switch (parameter.getIn()) {
      case PATH -> ctx.pathParam(name);
      case QUERY -> ctx.request().getParam(name);
      case HEADER -> ctx.request().getHeader(name);
      default -> null;
    };
    OutputUnit error = firstError(invalid);
    JsonObject schema = parameter.getSchema() == null ? new JsonObject() : schemaJson(parameter.getSchema());
    if (error != null && keyword(error).equals("maximum") && schema.getValue(ApiContract.OVER_MAXIMUM) instanceof Number status) {
      return new ApiException(status.intValue(), "payload too large", new JsonObject()
        .put("parameter", name)
        .put("problem", "must be at most " + schema.getValue("maximum")));
    }
    String problem = invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER
      ? "is required" + describeSchema(schema)
      : problemOf(error, schema);
    return ApiException.badParameter(name, problem, raw);
  }

  private ApiException forBody(RoutingContext ctx, ValidatorException invalid) {
    if (invalid.type() == ValidatorErrorType.UNSUPPORTED_VALUE_FORMAT) {
      return new ApiException(415, "unsupported media type", "the body must be JSON (Content-Type: application/json)");
    }
    if (invalid.type() == ValidatorErrorType.MISSING_REQUIRED_PARAMETER && !(invalid instanceof SchemaValidationException)) {
      return new ApiException(400, "missing body", "this operation takes a JSON body: see /openapi.json");
    }
    OutputUnit error = firstError(invalid);
    JsonObject body = bodyOf(ctx);
    if (error == null) {
      return new ApiException(400, "malformed JSON body", "the request body is not valid JSON");
    }
    String field = fieldOf(error.getInstanceLocation());
    Object value = field.equals(BODY) || body == null ? null : body.getValue(field);
    String missing = missingProperty(error);
    if (missing != null) {
      return ApiException.badParameter(missing, "is required", null);
    }
    String problem = keyword(error).equals("additionalProperties") ? "is not a field of this body" : error.getError();
    return ApiException.badParameter(field, problem, value == null ? null : abbreviate(Json.encode(value)));
  }

  /**
   * The error that names the problem: the deepest one; for a {@code oneOf} (the job bodies), one in the branch whose
   * {@code type} constant is the body's type, so a wrong {@code n} of a sum-mod job is not reported against primes.
   */
  private static OutputUnit firstError(ValidatorException invalid) {
    if (!(invalid instanceof SchemaValidationException schema) || schema.getOutputUnit() == null) {
      return null;
    }
    List<OutputUnit> leaves = new java.util.ArrayList<>();
    collectLeaves(schema.getOutputUnit(), leaves);
    if (leaves.isEmpty()) {
      return schema.getOutputUnit();
    }
    // Errors of a oneOf branch whose own "type" const failed belong to another job type: skip those branches.
    java.util.Set<String> wrongBranches = new java.util.HashSet<>();
    for (OutputUnit leaf : leaves) {
      String location = leaf.getKeywordLocation() == null ? "" : leaf.getKeywordLocation();
      int at = location.indexOf("/properties/type/const");
      if (location.contains("/oneOf/") && at > 0) {
        wrongBranches.add(location.substring(0, at));
      }
    }
    return leaves.stream()
      .filter(leaf -> wrongBranches.stream().noneMatch(branch -> String.valueOf(leaf.getKeywordLocation()).startsWith(branch)))
      .filter(leaf -> !String.valueOf(leaf.getKeywordLocation()).endsWith("/oneOf"))
      // the deepest location; there, a value's own error before "not an allowed field" (which follows from it)
      .max(Comparator.comparingInt((OutputUnit leaf) -> String.valueOf(leaf.getInstanceLocation()).length())
        .thenComparing(leaf -> !keyword(leaf).equals("additionalProperties") && !keyword(leaf).equals("properties")))
      .orElse(leaves.get(0));
  }

  private static void collectLeaves(OutputUnit unit, List<OutputUnit> leaves) {
    if (unit.getErrors() == null || unit.getErrors().isEmpty()) {
      if (unit.getError() != null) {
        leaves.add(unit);
      }
      return;
    }
    unit.getErrors().forEach(child -> collectLeaves(child, leaves));
  }

  private static boolean names(String message, String parameter) {
    return message.contains(" parameter " + parameter + " ") || message.contains(" parameter " + parameter + ".")
      || message.endsWith(" parameter " + parameter);
  }

  private static String keyword(OutputUnit error) {
    String location = error.getKeywordLocation() == null ? "" : error.getKeywordLocation();
    return location.substring(location.lastIndexOf('/') + 1);
  }

  /** {@code "/n"} is field {@code n}; the root is the body itself. */
  private static String fieldOf(String instanceLocation) {
    if (instanceLocation == null || instanceLocation.isEmpty() || instanceLocation.equals("/")
      || instanceLocation.equals("#") || instanceLocation.equals("#/")) {
      return BODY;
    }
    String[] steps = instanceLocation.replaceFirst("^#?/", "").split("/");
    return steps[0].replace("~1", "/").replace("~0", "~");
  }

  /** A {@code required} error's missing property, from its message ({@code Instance does not have required property "document"}). */
  private static String missingProperty(OutputUnit error) {
    if (!keyword(error).equals("required") || error.getError() == null) {
      return null;
    }
    java.util.regex.Matcher quoted = java.util.regex.Pattern.compile("\"([^\"]+)\"").matcher(error.getError());
    return quoted.find() ? quoted.group(1) : null;
  }

  private static String problemOf(OutputUnit error, JsonObject schema) {
    if (error == null) {
      return "is invalid" + describeSchema(schema);
    }
    return switch (keyword(error)) {
      case "minimum", "maximum", "type" -> "must be " + expectation(schema, error);
      case "enum" -> "must be one of " + (schema.getValue("enum") instanceof JsonArray values
        ? String.join(", ", values.stream().map(String::valueOf).toList()) : "the listed values");
      case "pattern" -> "must match " + schema.getString("pattern", "its pattern");
      case "additionalProperties", "false" -> "is not a field of this body";
      case "maxLength" -> "is too long";
      default -> String.valueOf(error.getError());
    };
  }

  private static String expectation(JsonObject schema, OutputUnit error) {
    String described = describeSchema(schema);
    return described.isEmpty() ? "valid: " + error.getError() : described.substring(2);
  }

  /** {@code ", an integer in 0..1073741824"}, or empty when the schema says nothing of its range. */
  private static String describeSchema(JsonObject schema) {
    Object type = schema.getValue("type");
    String kind = "integer".equals(type) ? "an integer" : "number".equals(type) ? "a number" : null;
    if (kind == null) {
      return "";
    }
    Object min = schema.getValue("minimum");
    Object max = schema.getValue("maximum");
    String range = min != null && max != null ? " in " + min + ".." + max : min != null ? " >= " + min : max != null ? " <= " + max : "";
    return ", " + kind + range;
  }

  private static JsonObject schemaJson(JsonSchema schema) {
    JsonObject json = new JsonObject();
    for (String key : schema.fieldNames()) {
      json.put(key, schema.get(key));
    }
    return json;
  }

  private static JsonObject bodyOf(RoutingContext ctx) {
    try {
      return ctx.body() == null || ctx.body().buffer() == null ? null
        : Json.decodeValue(ctx.body().buffer()) instanceof JsonObject object ? object : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  private static String abbreviate(String value) {
    return value.length() > MAX_ECHO_CHARS ? value.substring(0, MAX_ECHO_CHARS) + "..." : value;
  }

}
