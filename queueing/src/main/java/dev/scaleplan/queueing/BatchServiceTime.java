package dev.scaleplan.queueing;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import java.util.SplittableRandom;

/**
 * The service time of a batch of b requests, as the {@link QueueSimulator} draws it. Deterministic l(b) for GPU
 * batches; exponential and gamma for one-at-a-time servers (M/M/c and M/G/c checks).
 */
@FunctionalInterface
public interface BatchServiceTime {
  /** One service time in seconds for a batch of {@code batchSize} requests. */
  double sample(int batchSize, SplittableRandom rng);

  /** Exactly {@code latency.seconds(b)}. */
  static BatchServiceTime deterministic(BatchLatency latency) {
    int max = latency.maxBatchSize();
    if (max <= 4096) {
      double[] table = new double[max + 1];
      for (int b = 1; b <= max; b++) {
        table[b] = latency.seconds(b);
      }
      return (b, rng) -> table[b];
    }
    return (b, rng) -> latency.seconds(b);
  }

  /** Exponential with the given mean, whatever the batch size (use with max batch 1). */
  static BatchServiceTime exponential(double meanSeconds) {
    Checks.positive("mean service time (s)", meanSeconds);
    return (b, rng) -> -meanSeconds * Math.log(1 - rng.nextDouble());
  }

  /**
   * Gamma with the given mean and coefficient of variation (cv 0 is deterministic), whatever the batch size. Sampled
   * by Marsaglia and Tsang's method ("A simple method for generating gamma variables", ACM TOMS 26(3), 2000), with
   * the usual boost {@code G(k) = G(k+1) U^{1/k}} for shape below 1.
   */
  static BatchServiceTime gamma(double meanSeconds, double cv) {
    Checks.positive("mean service time (s)", meanSeconds);
    Checks.nonNegative("service-time cv", cv);
    if (cv == 0) {
      return (b, rng) -> meanSeconds;
    }
    double shape = 1 / (cv * cv);
    double scale = meanSeconds / shape;
    boolean boost = shape < 1;
    double d = (boost ? shape + 1 : shape) - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    return (b, rng) -> {
      double g;
      while (true) {
        double x = normal(rng);
        double v = 1 + c * x;
        if (v <= 0) {
          continue;
        }
        v = v * v * v;
        double u = rng.nextDouble();
        if (u < 1 - 0.0331 * x * x * x * x || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v))) {
          g = d * v;
          break;
        }
      }
      if (boost) {
        g *= Math.pow(1 - rng.nextDouble(), 1 / shape);
      }
      return g * scale;
    };
  }

  private static double normal(SplittableRandom rng) {
    // Marsaglia polar method; one of the pair is discarded for simplicity.
    while (true) {
      double u = 2 * rng.nextDouble() - 1;
      double v = 2 * rng.nextDouble() - 1;
      double s = u * u + v * v;
      if (s > 0 && s < 1) {
        return u * Math.sqrt(-2 * Math.log(s) / s);
      }
    }
  }
}
