package dev.scaleplan.benchmarks;

import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.ilp.PlacementIlp;
import dev.scaleplan.solvers.placement.Candidates;
import dev.scaleplan.solvers.placement.ExampleModels;
import dev.scaleplan.solvers.placement.GpuGroup;
import dev.scaleplan.solvers.placement.GreedyPlacer;
import dev.scaleplan.solvers.placement.Placement;
import dev.scaleplan.solvers.placement.PlacementProblem;
import dev.scaleplan.solvers.swapping.SwapTier;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Placement at scale.
 *
 * <ul>
 *   <li>{@code greedy1000}: Nexus's squishy bin packing of 1,000 models (copies of the ResNet-50 profile, Zipf rates
 *       summing to 8 million requests/s, p99 SLOs of 25/50/100 ms) on 10,000 GPUs (4,000 A100, 4,000 T4, 2,000
 *       V100), from precomputed candidates (target: under 1 s). {@code candidates1000} is the queueing work before
 *       it, once per problem: every model's dedicated capacity and slot batches on every group and duty cycle.
 *   <li>{@code ilp50}: CP-SAT to optimum for 50 such models at 5,000 requests/s on 64 A100 GPUs (target: under 30 s),
 *       candidates precomputed; {@code greedy50} is the heuristic on the same candidates, the baseline in the run.
 *   <li>{@code swapTier100}: the README's worked example, 100 models at 200 requests/s on 128 T4s with a swapping
 *       tier ({@link SwapTier#plan}: candidates once, then a placement and a tier search for every split).
 * </ul>
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(1)
@State(Scope.Benchmark)
public class PlacementBenchmark {
  Candidates large;
  Candidates medium;
  PlacementProblem largeProblem;
  PlacementProblem t4Problem;

  @Setup(Level.Trial)
  public void setup() {
    largeProblem = PlacementProblem.of(ExampleModels.zipf(1000, 8_000_000), List.of(
        new GpuGroup("a100", "A100-80GB", 4000, 80L << 30), new GpuGroup("t4", "T4", 4000, 16L << 30),
        new GpuGroup("v100", "V100-32GB", 2000, 32L << 30)));
    large = Candidates.of(largeProblem);
    medium = Candidates.of(PlacementProblem.of(ExampleModels.zipf(50, 5_000),
        List.of(new GpuGroup("a100", "A100-80GB", 64, 80L << 30))));
    t4Problem = PlacementProblem.of(ExampleModels.zipf(100, 200), List.of(new GpuGroup("t4", "T4", 128, 16L << 30)));
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 2)
  @Measurement(iterations = 5)
  public SwapTier.Result swapTier100() {
    return SwapTier.plan(t4Problem, new SwapTier.Options("t4", 102.3e6 / 8.372e-3, 1.2, 50));
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public Placement greedy1000() {
    return GreedyPlacer.place(large);
  }

  @Benchmark
  @Warmup(iterations = 3, time = 1)
  @Measurement(iterations = 5, time = 1)
  public Placement greedy50() {
    return GreedyPlacer.place(medium);
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 1)
  @Measurement(iterations = 3)
  public Placement ilp50() {
    Placement p = PlacementIlp.solve(medium, new IlpOptions(30, 1, 1));
    if (p.status() != Placement.Status.OPTIMAL) {
      throw new IllegalStateException("The ILP did not reach the optimum: " + p.reason());
    }
    return p;
  }

  @Benchmark
  @BenchmarkMode(Mode.SingleShotTime)
  @OutputTimeUnit(TimeUnit.SECONDS)
  @Warmup(iterations = 0)
  @Measurement(iterations = 1)
  public Candidates candidates1000() {
    return Candidates.of(largeProblem);
  }
}
