package io.lanes.http;

import io.vertx.core.file.FileSystem;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.SchemaException;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import io.vertx.openapi.contract.MediaType;
import io.vertx.openapi.contract.OpenAPIContract;
import io.vertx.openapi.contract.OpenAPIVersion;
import io.vertx.openapi.contract.Operation;
import io.vertx.openapi.contract.Parameter;
import io.vertx.openapi.contract.Path;
import io.vertx.openapi.contract.SecurityRequirement;
import io.vertx.openapi.contract.SecurityScheme;
import io.vertx.openapi.contract.Server;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The resolved contract as vertx-openapi's request validator sees it, with one difference: asked for the validator of a
 * parameter's or a request body's schema, it answers one built once, at start-up. vertx-openapi 5.0.10 asks its schema
 * repository for a new validator for every parameter of every request, and each new validator copies the repository's
 * whole lookup map (every schema of the contract): measured at about 0.4 ms of CPU per parameter on these machines, more
 * than the rest of a {@code /write}'s request handling. A validator keeps no state between validations, so one per
 * schema serves every request, on any thread. Everything else is the library's own.
 */
final class ValidatorCachingContract implements OpenAPIContract {

  private final OpenAPIContract contract;
  private final SchemaRepository repository;

  ValidatorCachingContract(OpenAPIContract contract) {
    this.contract = contract;
    this.repository = new CachingRepository(contract.getSchemaRepository(), validatorsOf(contract));
  }

  /** A validator for each schema the request validator looks up: parameters and request bodies, by identity. */
  private static Map<JsonSchema, Validator> validatorsOf(OpenAPIContract contract) {
    SchemaRepository repository = contract.getSchemaRepository();
    Map<JsonSchema, Validator> validators = new IdentityHashMap<>();
    for (Operation operation : contract.operations()) {
      for (Parameter parameter : operation.getParameters()) {
        validators.computeIfAbsent(parameter.getSchema(), repository::validator);
      }
      if (operation.getRequestBody() != null) {
        for (MediaType mediaType : operation.getRequestBody().getContent().values()) {
          if (mediaType.getSchema() != null) {
            validators.computeIfAbsent(mediaType.getSchema(), repository::validator);
          }
        }
      }
    }
    return validators;
  }

  @Override
  public SchemaRepository getSchemaRepository() {
    return repository;
  }

  @Override
  public Operation operation(String operationId) {
    return contract.operation(operationId);
  }

  @Override
  public List<Operation> operations() {
    return contract.operations();
  }

  @Override
  public List<Path> getPaths() {
    return contract.getPaths();
  }

  @Override
  public JsonObject getRawContract() {
    return contract.getRawContract();
  }

  @Override
  public OpenAPIVersion getVersion() {
    return contract.getVersion();
  }

  @Override
  public List<Server> getServers() {
    return contract.getServers();
  }

  @Override
  public Path findPath(String urlPath) {
    return contract.findPath(urlPath);
  }

  @Override
  public Operation findOperation(String urlPath, HttpMethod method) {
    return contract.findOperation(urlPath, method);
  }

  @Override
  public List<SecurityRequirement> getSecurityRequirements() {
    return contract.getSecurityRequirements();
  }

  @Override
  public SecurityScheme securityScheme(String name) {
    return contract.securityScheme(name);
  }

  /** The contract's repository; {@link #validator(JsonSchema)} answers the prebuilt validators (read-only map). */
  private static final class CachingRepository implements SchemaRepository {

    private final SchemaRepository repository;
    private final Map<JsonSchema, Validator> validators;

    CachingRepository(SchemaRepository repository, Map<JsonSchema, Validator> validators) {
      this.repository = repository;
      this.validators = validators;
    }

    @Override
    public Validator validator(JsonSchema schema) {
      Validator validator = validators.get(schema);
      return validator != null ? validator : repository.validator(schema);
    }

    @Override
    public SchemaRepository dereference(JsonSchema schema) throws SchemaException {
      repository.dereference(schema);
      return this;
    }

    @Override
    public SchemaRepository dereference(String uri, JsonSchema schema) throws SchemaException {
      repository.dereference(uri, schema);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs) {
      repository.preloadMetaSchema(fs);
      return this;
    }

    @Override
    public SchemaRepository preloadMetaSchema(FileSystem fs, Draft draft) {
      repository.preloadMetaSchema(fs, draft);
      return this;
    }

    @Override
    public Validator validator(String ref) {
      return repository.validator(ref);
    }

    @Override
    public Validator validator(String ref, JsonSchemaOptions options) {
      return repository.validator(ref, options);
    }

    @Override
    public Validator validator(JsonSchema schema, JsonSchemaOptions options, boolean dereference) {
      return repository.validator(schema, options, dereference);
    }

    @Override
    public JsonObject resolve(JsonObject schema) {
      return repository.resolve(schema);
    }

    @Override
    public JsonSchema find(String pointer) {
      return repository.find(pointer);
    }
  }
}
