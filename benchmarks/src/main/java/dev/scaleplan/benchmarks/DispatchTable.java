package dev.scaleplan.benchmarks;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.solvers.batching.DispatchComparison;
import java.util.Locale;

/**
 * The README's batching table: work-conserving, Symphony's deferred rule and the deferred rule with early drop on the
 * same Poisson arrivals (100,000, seed 42), ResNet-50 on one A100 (embedded Triton profile, max batch 32), p99-style
 * deadlines of 15 and 25 ms after arrival, loads from 70% to 140% of the best throughput (32 / l(32) = 2,859/s).
 *
 * <pre>java -cp benchmarks/target/benchmarks.jar dev.scaleplan.benchmarks.DispatchTable</pre>
 */
public final class DispatchTable {
  private DispatchTable() {}

  public static void main(String[] args) {
    BatchLatency latency = ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH)
        .toBatchLatency(LatencyCurve.Statistic.MEAN);
    int gpus = args.length > 0 ? Integer.parseInt(args[0]) : 1;
    System.out.println("| SLO | rate (load) | work-conserving: attainment / mean batch | deferred: attainment / mean batch,"
        + " goodput ratio | deferred + early drop: attainment / mean batch, goodput ratio |");
    System.out.println("|---|---|---|---|---|");
    double best = 32 / latency.seconds(32);
    for (double slo : new double[] {0.015, 0.025}) {
      for (double perGpu : new double[] {2000, 2600, 2700, 2800, 3000, 4000}) {
        double rate = perGpu * gpus;
        double[] arrivals = DispatchComparison.poissonArrivals(rate, 100_000, 42);
        DispatchComparison.Result r = DispatchComparison.compare(arrivals, slo, latency, 32, gpus);
        System.out.printf(Locale.ROOT, "| %.0f ms | %.0f/s (%.2f) | %.3f / %.1f | %.3f / %.1f, %.2f | %.3f / %.1f, "
                + "%.2f |%n", slo * 1e3, rate, perGpu / best, r.workConserving().attainment(),
            r.workConserving().meanBatchSize(), r.deferred().attainment(), r.deferred().meanBatchSize(),
            r.goodputRatio(), r.deferredEarlyDrop().attainment(), r.deferredEarlyDrop().meanBatchSize(),
            r.goodputRatio(r.deferredEarlyDrop()));
      }
    }
  }
}
