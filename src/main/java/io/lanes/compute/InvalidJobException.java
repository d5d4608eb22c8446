package io.lanes.compute;

/**
 * A job request that cannot run: unknown type or a bad parameter, named by {@link #field()}. The HTTP front answers it
 * with 400 before sending; a compute verticle answers it with {@code FailureCodes.BAD_REQUEST}.
 */
public final class InvalidJobException extends RuntimeException {

  private final String field;
  private final String problem;
  private final String value;

  public InvalidJobException(String field, String problem, Object value) {
    super(field + " " + problem, null, false, false);
    this.field = field;
    this.problem = problem;
    this.value = value == null ? null : String.valueOf(value);
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }

  /** What was sent for the field, as text; {@code null} when it was missing. */
  public String value() {
    return value;
  }
}
