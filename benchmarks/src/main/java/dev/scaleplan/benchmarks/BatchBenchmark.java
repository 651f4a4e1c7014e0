package dev.scaleplan.benchmarks;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.Capacity;
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
 * The dynamic-batching model on the published ResNet-50 / A100 profile (max batch 32, 2,000 requests/s, ρ = 0.70 of
 * saturation): the exact embedded chain's mean response, the same figure by simulation (the baseline an analyst
 * would otherwise run: 10 x 100,000 requests), the numerical p99, and the capacity inversion under p99 <= 20 ms
 * against the same search over simulated p99s.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
@State(Scope.Benchmark)
public class BatchBenchmark {
  /** The embedded ResNet-50 profile (NVIDIA DeepLearningExamples, Triton offline table): A100-80GB mean latency. */
  static final BatchLatency RESNET50_A100 = ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH)
      .toBatchLatency(LatencyCurve.Statistic.MEAN);

  final InstanceConfig instance = InstanceConfig.of(1, 32, RESNET50_A100);
  final Slo slo = Slo.of(99, 0.020);

  @Benchmark
  public double exactMeanResponse() {
    return BatchQueue.of(2000, instance).metrics().meanResponse().value();
  }

  @Benchmark
  public double baselineSimulatedMeanResponse() {
    return QueueSimulator.of("batch", 1, 32, instance.dispatch(),
        dev.scaleplan.queueing.BatchServiceTime.deterministic(RESNET50_A100), instance.saturationRatePerSecond(),
        QueueSimulator.Options.defaults()).run(2000).meanResponse().value();
  }

  @Benchmark
  public double exactResponseP99() {
    return BatchQueue.of(2000, instance).metrics().responseP99().value();
  }

  @Benchmark
  public double capacityUnderP99() {
    return Capacity.of(instance, slo).maxRatePerSecond();
  }

  /** Baseline: the same capacity search over simulated p99s (8 x 20,000 requests, common random numbers). */
  @Benchmark
  public double baselineSimulatedCapacityUnderP99() {
    QueueSimulator simulator = QueueSimulator.of("batch", 1, 32, instance.dispatch(),
        dev.scaleplan.queueing.BatchServiceTime.deterministic(RESNET50_A100), instance.saturationRatePerSecond(),
        Capacity.SEARCH_SIMULATION);
    Capacity.RateModel model = rate -> new dev.scaleplan.queueing.QueueModel() {
      @Override
      public String name() {
        return "batch-sim";
      }

      @Override
      public dev.scaleplan.queueing.QueueMetrics metrics() {
        return rate == 0 ? BatchQueue.of(0, instance).metrics() : simulator.run(rate);
      }
    };
    return Capacity.maxRate(model, instance.saturationRatePerSecond(), slo, Capacity.BATCH_RELATIVE_TOLERANCE)
        .maxRatePerSecond();
  }
}
