package dev.scaleplan.benchmarks;

import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.QueueMetrics;
import dev.scaleplan.testkit.report.SvgLineChart;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the README's figures. Run after {@code mvn -q package -pl benchmarks -am -DskipTests}:
 * {@code java -cp benchmarks/target/benchmarks.jar dev.scaleplan.benchmarks.Figures docs/figures}.
 */
public final class Figures {
  private Figures() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "docs/figures");
    Files.createDirectories(dir);
    Path out = dir.resolve("resnet50-a100-p99-vs-rate.svg");
    Files.writeString(out, batchCapFigure());
    System.out.println("wrote " + out);
  }

  /**
   * Response p99 against arrival rate for one A100 serving ResNet-50 (published Triton latencies), for three batch
   * caps under the work-conserving rule (numerical, the departure chain) and one cap under a 2 ms max queue delay
   * (simulated).
   */
  static String batchCapFigure() {
    SvgLineChart chart = new SvgLineChart("ResNet-50 on one A100: p99 response vs load",
        "arrival rate (requests/s)", "response p99 (ms)");
    int points = 96;
    double maxRate = 2850;
    for (int cap : new int[] {8, 32, 128}) {
      addSeries(chart, "B = " + cap, InstanceConfig.of(1, cap, BatchBenchmark.RESNET50_A100), points, maxRate);
    }
    addSeries(chart, "B = 32, T = 2 ms", InstanceConfig.of(1, 32, BatchBenchmark.RESNET50_A100)
        .withDispatch(DispatchRule.maxQueueDelay(0.002)), points, maxRate);
    return chart.reference(20, "SLO 20 ms").yLimit(60).render();
  }

  private static void addSeries(SvgLineChart chart, String name, InstanceConfig c, int points, double maxRate) {
    double[] x = new double[points];
    double[] y = new double[points];
    for (int i = 0; i < points; i++) {
      x[i] = maxRate * (i + 1) / points;
      QueueMetrics m = BatchQueue.of(x[i], c).metrics();
      y[i] = m.stable() ? 1000 * m.responseP99().value() : Double.POSITIVE_INFINITY;
    }
    chart.add(name, x, y);
  }
}
