package io.lanes.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

/**
 * Renders docs/comparison.png from the CSV scripts/lib/compare-report writes, like locust's own chart: successful
 * writes/s against the number of users, one line per system, one panel per /write variant (two panels a row).
 * Usage: {@code CompareChart <chart.csv> <out.png>}; CSV lines: {@code variant,system,users,ok_rps}.
 */
public final class CompareChart {

  private static final int WIDTH = 640;
  private static final int HEIGHT = 420;
  private static final Map<String, Color> COLORS = Map.of(
    "original (1 worker)", new Color(0xEF, 0x6C, 0x00),
    "original (2 workers + uvloop)", new Color(0x6A, 0x1B, 0x9A),
    "Lanes", new Color(0x2E, 0x7D, 0x32));

  private CompareChart() {
  }

  /** The points of one line: users and successful writes/s. */
  private record Line(List<Double> users, List<Double> rps) {
  }

  public static void main(String[] args) throws IOException {
    Map<String, Map<String, Line>> panels = new LinkedHashMap<>();
    for (String row : Files.readAllLines(Path.of(args[0]))) {
      if (row.isBlank() || row.startsWith("variant,")) {
        continue;
      }
      String[] cells = row.split(",");
      Line line = panels.computeIfAbsent(cells[0], v -> new LinkedHashMap<>())
        .computeIfAbsent(cells[1], s -> new Line(new ArrayList<>(), new ArrayList<>()));
      line.users().add(Double.parseDouble(cells[2]));
      line.rps().add(Double.parseDouble(cells[3]));
    }
    List<BufferedImage> images = new ArrayList<>();
    panels.forEach((variant, lines) -> images.add(BitmapEncoder.getBufferedImage(panel(variant, lines))));
    int columns = Math.min(2, Math.max(1, images.size()));
    int rows = (images.size() + columns - 1) / columns;
    BufferedImage all = new BufferedImage(columns * WIDTH, Math.max(1, rows) * HEIGHT, BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = all.createGraphics();
    graphics.setColor(Color.WHITE);
    graphics.fillRect(0, 0, all.getWidth(), all.getHeight());
    for (int i = 0; i < images.size(); i++) {
      graphics.drawImage(images.get(i), (i % columns) * WIDTH, (i / columns) * HEIGHT, null);
    }
    graphics.dispose();
    ImageIO.write(all, "png", Path.of(args[1]).toFile());
  }

  private static XYChart panel(String variant, Map<String, Line> lines) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT)
      .title("GET " + variant + " beside /hello: successful writes/s")
      .xAxisTitle("users").yAxisTitle("successful writes/s").build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    chart.getStyler().setXAxisMin(0.0);
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setYAxisDecimalPattern("#,##0");
    lines.forEach((system, line) -> {
      XYSeries series = chart.addSeries(system, line.users(), line.rps());
      series.setMarker(SeriesMarkers.CIRCLE);
      series.setLineColor(COLORS.getOrDefault(system, Color.GRAY));
      series.setMarkerColor(COLORS.getOrDefault(system, Color.GRAY));
    });
    return chart;
  }
}
