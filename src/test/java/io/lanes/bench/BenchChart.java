package io.lanes.bench;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.ImageIO;

/**
 * Renders docs/benchmarks.png with XChart from the CSV scripts/bench writes: /hello req/s and p99 next to each /write mode.
 * Usage: {@code BenchChart <chart.csv> <out.png>}; CSV lines: {@code label,rps,p99_ms}.
 */
public final class BenchChart {

  private BenchChart() {
  }

  public static void main(String[] args) throws IOException {
    List<String> labels = new ArrayList<>();
    List<Double> rps = new ArrayList<>();
    List<Double> p99 = new ArrayList<>();
    for (String line : Files.readAllLines(Path.of(args[0]))) {
      if (line.isBlank() || line.startsWith("label")) {
        continue;
      }
      String[] cells = line.split(",");
      labels.add(cells[0]);
      rps.add(Math.max(1.0, Double.parseDouble(cells[1])));
      p99.add(Math.max(0.1, Double.parseDouble(cells[2])));
    }
    CategoryChart throughput = chart("/hello throughput while /write loads the server", "req/s (log scale)", 1.0);
    throughput.addSeries("/hello req/s", labels, rps).setFillColor(new Color(0x2E, 0x7D, 0x32));
    CategoryChart latency = chart("/hello p99 latency while /write loads the server", "p99 ms (log scale)", 0.1);
    latency.addSeries("/hello p99 ms", labels, p99).setFillColor(new Color(0xC6, 0x28, 0x28));

    BufferedImage left = BitmapEncoder.getBufferedImage(throughput);
    BufferedImage right = BitmapEncoder.getBufferedImage(latency);
    BufferedImage both = new BufferedImage(left.getWidth() + right.getWidth(), Math.max(left.getHeight(), right.getHeight()),
      BufferedImage.TYPE_INT_RGB);
    Graphics2D graphics = both.createGraphics();
    graphics.drawImage(left, 0, 0, null);
    graphics.drawImage(right, left.getWidth(), 0, null);
    graphics.dispose();
    ImageIO.write(both, "png", Path.of(args[1]).toFile());
  }

  /** A log-scale bar chart; bars start at {@code floor}, as a log axis has no 0. */
  private static CategoryChart chart(String title, String yTitle, double floor) {
    CategoryChart chart = new CategoryChartBuilder().width(720).height(480).title(title)
      .xAxisTitle("/write mode running beside it").yAxisTitle(yTitle).build();
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setYAxisMin(floor);
    chart.getStyler().setYAxisDecimalPattern("#,##0.#");
    chart.getStyler().setLabelsVisible(true);
    chart.getStyler().setChartBackgroundColor(Color.WHITE);
    return chart;
  }
}
