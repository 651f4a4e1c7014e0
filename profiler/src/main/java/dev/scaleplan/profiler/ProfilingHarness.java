package dev.scaleplan.profiler;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Executor;
import java.util.Arrays;
import java.util.Objects;
import org.HdrHistogram.Histogram;

/**
 * Measures a {@link LatencyProfile} through any {@link Executor}: for every parallel degree and batch size of a plan,
 * some warm-up runs (discarded: clocks ramp up, caches and allocators settle), then the measured repetitions, whose
 * mean is exact and whose 99th percentile comes from an HdrHistogram at three significant digits (0.1% resolution).
 * The executor times each batch itself (on the device), so there is no coordinated omission to correct: runs are
 * issued back to back and each is measured whole.
 */
public final class ProfilingHarness {
  private ProfilingHarness() {}

  /**
   * What to measure.
   *
   * @param model the model's name in the profile
   * @param phase the phase the executor's batches belong to
   * @param batchSizes batch sizes to measure, each at least 1, distinct
   * @param parallelDegrees parallel degrees to measure, each at least 1, distinct
   * @param warmupRuns runs discarded before each measured point, at least 0
   * @param repetitions measured runs per point, at least 1
   */
  public record Plan(String model, Phase phase, int[] batchSizes, int[] parallelDegrees, int warmupRuns,
      int repetitions) {
    public Plan {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(phase, "phase");
      batchSizes = distinctPositive("batch size", batchSizes);
      parallelDegrees = distinctPositive("parallel degree", parallelDegrees);
      Checks.atLeast("warm-up runs", warmupRuns, 0);
      Checks.atLeast("repetitions", repetitions, 1);
    }

    @Override
    public int[] batchSizes() {
      return batchSizes.clone();
    }

    @Override
    public int[] parallelDegrees() {
      return parallelDegrees.clone();
    }

    private static int[] distinctPositive(String what, int[] values) {
      Objects.requireNonNull(values, what);
      if (values.length == 0) {
        throw new IllegalArgumentException("The plan needs at least one " + what + ".");
      }
      int[] sorted = values.clone();
      Arrays.sort(sorted);
      for (int i = 0; i < sorted.length; i++) {
        Checks.atLeast(what, sorted[i], 1);
        if (i > 0 && sorted[i] == sorted[i - 1]) {
          throw new IllegalArgumentException("The " + what + " " + sorted[i] + " is listed twice.");
        }
      }
      return sorted;
    }
  }

  /** Runs the plan on the executor and returns the measured profile. */
  public static LatencyProfile measure(Executor executor, Plan plan) {
    Objects.requireNonNull(executor, "executor");
    Objects.requireNonNull(plan, "plan");
    for (int p : plan.parallelDegrees) {
      if (p > executor.maxParallelDegree()) {
        throw new IllegalArgumentException("The parallel degree (" + p + ") is above the executor's maximum ("
            + executor.maxParallelDegree() + ").");
      }
    }
    LatencyProfile.Builder profile = LatencyProfile.builder(plan.model())
        .source("measured by scaleplan's profiling harness on " + executor.gpuType() + ": " + plan.warmupRuns()
            + " warm-up and " + plan.repetitions() + " measured runs per point");
    for (int p : plan.parallelDegrees) {
      for (int b : plan.batchSizes) {
        for (int i = 0; i < plan.warmupRuns(); i++) {
          executor.runBatch(b, p);
        }
        Histogram nanos = new Histogram(3);
        double sum = 0;
        for (int i = 0; i < plan.repetitions(); i++) {
          double s = executor.runBatch(b, p);
          if (!(s > 0) || Double.isInfinite(s)) {
            throw new IllegalStateException("The executor reported " + s + " s for batch " + b + " on " + p
                + " GPU(s); a latency must be finite and above 0.");
          }
          sum += s;
          nanos.recordValue(Math.max(1, Math.round(s * 1e9)));
        }
        double mean = sum / plan.repetitions();
        double p99 = nanos.getValueAtPercentile(99) / 1e9;
        profile.add(new ProfileKey(executor.gpuType(), p, plan.phase()), new LatencyPoint(b, mean, p99));
      }
    }
    return profile.build();
  }
}
