package dev.scaleplan.benchmarks;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import dev.scaleplan.solvers.batching.DispatchComparison;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The dispatcher's cost per request at steady state (target: under 200 ns): each operation is one arrival, the
 * dispatcher's decision, and its share of the launches and GPU-free events, on the ResNet-50 A100 profile (max batch
 * 32, one GPU, 2,700 requests/s Poisson, 94% of the best throughput, SLO 15 ms). The clock runs on across invocations
 * (arrival gaps recycled from a seeded table), so the queue stays in its steady state and nothing is allocated.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class DispatchBenchmark {
  static final int BATCH = 1024;
  static final BatchLatency RESNET50_A100 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  static final double SLO = 0.015;

  @Param({"DEFERRED", "DEFERRED_EARLY_DROP", "WORK_CONSERVING"})
  public BatchDispatcher.Rule rule;

  BatchDispatcher dispatcher;
  double[] gaps;
  double[] launched;
  int cursor;
  double clock;
  double busyUntil;

  @Setup(Level.Trial)
  public void setup() {
    dispatcher = BatchDispatcher.of(rule, RESNET50_A100, 32, 1, 4096);
    double[] arrivals = DispatchComparison.poissonArrivals(2700, 1 << 16, 1);
    gaps = new double[arrivals.length];
    for (int i = 0; i < arrivals.length; i++) {
      gaps[i] = i == 0 ? arrivals[0] : arrivals[i] - arrivals[i - 1];
    }
    launched = new double[32];
    busyUntil = Double.POSITIVE_INFINITY;
  }

  /** {@value #BATCH} arrivals with every decision, launch and GPU-free event between them. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public long perRequest() {
    BatchDispatcher d = dispatcher;
    double[] g = gaps;
    int mask = g.length - 1;
    for (int i = 0; i < BATCH; i++) {
      double arrival = clock + g[cursor];
      cursor = (cursor + 1) & mask;
      // Events before the arrival: GPU frees and timed starts, in time order.
      while (true) {
        double start = d.nextStartSeconds();
        if (busyUntil <= arrival && busyUntil <= start) {
          d.onGpuFree(busyUntil);
          busyUntil = Double.POSITIVE_INFINITY;
        } else if (start < arrival) {
          launch(d, start);
        } else {
          break;
        }
      }
      clock = arrival;
      d.onArrival(arrival, arrival + SLO);
      launch(d, arrival);
    }
    return d.launchedRequests();
  }

  private void launch(BatchDispatcher d, double t) {
    int b = d.poll(t, launched);
    if (b > 0) {
      busyUntil = t + d.latencySeconds(b);
    }
  }
}
