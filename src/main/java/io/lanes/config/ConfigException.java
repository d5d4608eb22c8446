package io.lanes.config;

/**
 * A configuration value that cannot be used. Its message is one line naming the key, so a failed start-up says what to fix;
 * it carries no stack trace because the launcher prints the cause.
 */
public final class ConfigException extends RuntimeException {

  private final String key;
  private final String problem;

  public ConfigException(String key, String problem) {
    super("Invalid configuration: " + key + " " + problem, null, false, false);
    this.key = key;
    this.problem = problem;
  }

  public String key() {
    return key;
  }

  public String problem() {
    return problem;
  }

  @Override
  public String toString() {
    return getMessage();
  }
}
