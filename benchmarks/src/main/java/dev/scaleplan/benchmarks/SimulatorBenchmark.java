package dev.scaleplan.benchmarks;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.testkit.sim.ClusterSimulator;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.testkit.sim.SimResult;
import dev.scaleplan.testkit.trace.ArrivalStream;
import dev.scaleplan.testkit.trace.Arrivals;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cluster simulator's speed on a plain M/M/8 queue at load 0.9 (target: over 5 million customers per second on
 * one core): one million customers per invocation, reported per customer. {@code arrivalsOnly} generates the same
 * Poisson arrivals and nothing else, the floor the simulator's own work sits on.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class SimulatorBenchmark {
  static final int CUSTOMERS = 1_000_000;
  static final double RATE = 7.2;
  static final InstanceSpec MM8 = new InstanceSpec("M/M/8", BatchLatency.affine(1.0, 0), 8, 1,
      InstanceSpec.Dispatch.workConserving(), 8, InstanceSpec.Service.EXPONENTIAL);
  static final ClusterSimulator.Options OPTIONS = new ClusterSimulator.Options(Slo.of(99, 10), 0, 1e12, 1e12,
      new double[] {0}, 1);

  long seed;

  @Benchmark
  @OperationsPerInvocation(CUSTOMERS)
  public SimResult mm8() {
    return ClusterSimulator.run(List.of(MM8), new int[] {1}, Arrivals.poisson(RATE, CUSTOMERS / RATE, ++seed),
        AutoscalingPolicy.fixed(), OPTIONS);
  }

  @Benchmark
  @OperationsPerInvocation(CUSTOMERS)
  public double arrivalsOnly() {
    ArrivalStream a = Arrivals.poisson(RATE, CUSTOMERS / RATE, ++seed);
    double last = 0;
    while (a.advance()) {
      last = a.seconds();
    }
    return last;
  }
}
