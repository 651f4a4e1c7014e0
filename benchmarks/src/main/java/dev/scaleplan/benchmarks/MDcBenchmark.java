package dev.scaleplan.benchmarks;

import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.BatchServiceTime;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.MDc;
import dev.scaleplan.queueing.QueueSimulator;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * M/D/c with c = 100 servers, D = 1 s, ρ = 0.9: the exact p99 of waiting time (a new model each call, so the
 * stationary distribution is computed every time), against the simulator's estimate of the same figure (baseline:
 * 10 x 100,000 customers); and a capacity inversion over the exact model.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Benchmark)
public class MDcBenchmark {
  @Benchmark
  public double exactWaitP99() {
    return MDc.of(90, 100, 1).metrics().waitP99().value();
  }

  /** Capacity inversion on an analytic model: the largest λ with response p99 <= 1.5 s, to 1e-6 of saturation. */
  @Benchmark
  public double capacityUnderP99() {
    return Capacity.maxRate(rate -> MDc.of(rate, 100, 1), 100, Slo.of(99, 1.5), 1e-6).maxRatePerSecond();
  }

  @Benchmark
  public double baselineSimulatedWaitP99() {
    return QueueSimulator.of("mdc-sim", 100, 1, DispatchRule.workConserving(),
        BatchServiceTime.gamma(1, 0), 100, QueueSimulator.Options.defaults()).run(90).waitP99().value();
  }
}
