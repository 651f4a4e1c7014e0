package dev.scaleplan.benchmarks;

import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.Autoscaler;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Decision;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.control.Observation;
import dev.scaleplan.testkit.policy.KubernetesHpa;
import java.util.List;
import java.util.SplittableRandom;
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
 * One controller decision (target: under 1 ms for a deployment of 256 instances): the {@link Autoscaler} with its
 * defaults (panic window, Holt-Winters forecast, two stages over three sizes of the ResNet-50 A100 instance, scale-in
 * window, step bound) on a deployment whose demand wanders around {@code instances} capacities of the smallest kind;
 * actions complete at once (the next observation counts the decision's target as ready), so the controller stays in
 * its steady state with some resizes, starts and drains. Baseline in the same run: the testkit's Kubernetes HPA
 * deciding on the same observations.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class ControllerBenchmark {
  static final List<InstanceSpec> SIZES = List.of(InstanceSpec.of("A100 x1", DispatchBenchmark.RESNET50_A100, 32),
      InstanceSpec.of("A100 x2", DispatchBenchmark.RESNET50_A100, 32).withServers(2),
      InstanceSpec.of("A100 x4", DispatchBenchmark.RESNET50_A100, 32).withServers(4));

  @Param({"16", "256"})
  public int instances;

  Autoscaler autoscaler;
  AutoscalingPolicy hpa;
  long[] arrivals;
  int cursor;
  double now;
  int[] ready;
  int[] hpaReady;
  final int[] none = new int[3];

  @Setup(Level.Trial)
  public void setup() {
    Slo slo = Slo.of(99, 0.1);
    autoscaler = Autoscaler.builder(SIZES, slo).instances(1, 4 * instances).build();
    hpa = new KubernetesHpa(32, 1, 4 * instances);
    double capacity = autoscaler.capacities()[0];
    SplittableRandom r = new SplittableRandom(1);
    arrivals = new long[1 << 14];
    double level = instances * capacity * 0.9;
    for (int i = 0; i < arrivals.length; i++) {
      if (r.nextInt(60) == 0) {
        level = instances * capacity * r.nextDouble(0.6, 1.1);  // a new level about once a minute
      }
      arrivals[i] = Math.round(level * r.nextDouble(0.9, 1.1));
    }
    ready = new int[] {instances, 0, 0};
    hpaReady = new int[] {instances, 0, 0};
  }

  private Observation next(int[] counts) {
    long a = arrivals[cursor];
    return new Observation(now, 1, a, a, 0, 0.004, 0.02, a / 100, a / 400, counts, none, SIZES, 0.1);
  }

  /** One observation of {@code instances} instances in, one decision out. */
  @Benchmark
  public Decision autoscaler() {
    now += 1;
    cursor = (cursor + 1) & (arrivals.length - 1);
    Decision d = autoscaler.decide(next(ready));
    ready = d.target();
    return d;
  }

  /** The same observations through Kubernetes HPA's rule (the testkit's), for the ratio. */
  @Benchmark
  public int[] kubernetesHpa() {
    now += 1;
    cursor = (cursor + 1) & (arrivals.length - 1);
    int[] want = hpa.decide(next(hpaReady));
    hpaReady = want;
    return want;
  }
}
