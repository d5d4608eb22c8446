package io.lanes.tasks;

/** A task id is still queued or running (on this node or, clustered, on another): answered 409. */
public final class TaskIdInUseException extends RuntimeException {

  private final String id;
  private final String state;

  TaskIdInUseException(String id, String state) {
    super("task " + id + " is already queued or running", null, false, false);
    this.id = id;
    this.state = state;
  }

  public String id() {
    return id;
  }

  /** Its state when the claim was refused; null when it changed under the claim. */
  public String state() {
    return state;
  }
}
