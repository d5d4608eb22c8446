package io.lanes.dashboard;

import io.vertx.core.json.JsonArray;

/** The last {@value #POINTS} values of one figure, one per snapshot: a sparkline's data. Used by one thread. */
final class Series {

  static final int POINTS = 60;

  private final double[] values = new double[POINTS];
  private int next;
  private int size;

  void add(double value) {
    values[next] = value;
    next = (next + 1) % POINTS;
    size = Math.min(POINTS, size + 1);
  }

  /** Oldest first, rounded to {@code decimals}. */
  JsonArray toJson(int decimals) {
    JsonArray array = new JsonArray();
    double scale = Math.pow(10, decimals);
    for (int i = 0; i < size; i++) {
      double value = values[(next - size + i + POINTS) % POINTS];
      array.add(Math.round(value * scale) / scale);
    }
    return array;
  }
}
