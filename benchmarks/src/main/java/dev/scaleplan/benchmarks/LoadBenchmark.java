package dev.scaleplan.benchmarks;

import dev.scaleplan.solvers.loading.LoadPlan;
import dev.scaleplan.solvers.loading.LoadPlanner;
import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.solvers.loading.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The loading planner at scale: 1,024 target GPUs on 128 hosts of the embedded H100 topology (target: under 50 ms),
 * with a Llama-2-70B-sized model (140 GB, 80 layers).
 *
 * <ul>
 *   <li>{@code tp = 8}: 128 new instances of 8 GPUs filling 128 hosts; one more host serves the model, and the object
 *       store holds it.
 *   <li>{@code tp = 1}: 1,024 new single-GPU instances on the same 128 hosts, from the same sources.
 * </ul>
 * Baseline in the same run: {@code storeBaseline}, the object-store plan of the same request (no choice to make, one
 * read per GPU), which costs the same link accounting and timing without the planning.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class LoadBenchmark {
  @Param({"8", "1"})
  int tp;

  LoadRequest request;

  @Setup(Level.Trial)
  public void setup() {
    Topology t = Topology.h100Cluster(129);
    List<LoadRequest.Instance> targets = new ArrayList<>();
    for (int h = 1; h <= 128; h++) {
      for (int g = 0; g < 8; g += tp) {
        int[] gpus = new int[tp];
        for (int i = 0; i < tp; i++) {
          gpus[i] = g + i;
        }
        targets.add(new LoadRequest.Instance("h100-" + h, gpus));
      }
    }
    int[] serving = new int[tp];
    for (int i = 0; i < tp; i++) {
      serving[i] = i;
    }
    request = new LoadRequest(t, LoadRequest.uniformLayers(140_000_000_000L, 80), tp,
        List.of(new LoadRequest.Instance("h100-0", serving)), Set.of(), Set.of(), true, targets,
        LoadRequest.DEFAULT_CHUNK);
    LoadPlan p = LoadPlanner.plan(request);
    System.out.printf("# %d target GPUs: makespan %.3f s, lower bound %.3f s%n", p.gpus().size(),
        p.makespanSeconds(), p.lowerBoundSeconds());
  }

  @Benchmark
  public double multicast() {
    return LoadPlanner.plan(request).makespanSeconds();
  }

  @Benchmark
  public double storeBaseline() {
    return LoadPlanner.objectStore(request).makespanSeconds();
  }
}
