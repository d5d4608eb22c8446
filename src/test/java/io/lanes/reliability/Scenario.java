package io.lanes.reliability;

/**
 * One reliability scenario: it starts the Lanes processes it needs ({@link Stage#start}), drives them with the stage's
 * clients, and records its figures and failed checks in a {@link Result}; any exception fails it as a driver error.
 */
interface Scenario {

  /** The name {@code --only} selects it by, and its row's first field. */
  String name();

  void run(Stage stage, Result result) throws Exception;
}
