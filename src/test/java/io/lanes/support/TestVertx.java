package io.lanes.support;

import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The {@link VertxOptions} every test Vert.x runs with: the file that the surefire configuration hands to vertx-junit5
 * (system property {@value #FILE_PROPERTY}), so a test that builds its own Vert.x (clustered ones) gets the same tight
 * blocked-thread checker as the injected ones.
 */
public final class TestVertx {

  public static final String FILE_PROPERTY = "vertx.parameter.filename";

  private TestVertx() {
  }

  public static VertxOptions options() {
    String file = System.getProperty(FILE_PROPERTY);
    if (file == null) {
      return new VertxOptions();
    }
    try {
      return new VertxOptions(new JsonObject(Files.readString(Path.of(file))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
