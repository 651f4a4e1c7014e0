package dev.scaleplan.testkit.sim;

import java.util.List;
import java.util.function.ToDoubleFunction;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * Independent replications of one policy's run (other seeds for the arrivals and the random streams) summarised as
 * means with Student-t confidence intervals: the replication method for transient simulations (Law, "Simulation
 * Modeling and Analysis", 5th ed., 2015, section 9.4.1). With one replication the half-widths are NaN.
 *
 * @param policy the policy's name
 * @param runs the replications
 * @param confidence the intervals' level, for example 0.95
 * @param attainment mean SLO attainment
 * @param attainmentHalfWidth its interval's half-width
 * @param p99Seconds mean of the runs' 99th percentile latency
 * @param p99HalfWidth its interval's half-width
 * @param gpuSeconds mean GPU-seconds
 * @param gpuSecondsHalfWidth its interval's half-width
 */
public record Replications(String policy, List<SimResult> runs, double confidence, double attainment,
    double attainmentHalfWidth, double p99Seconds, double p99HalfWidth, double gpuSeconds,
    double gpuSecondsHalfWidth) {

  /** The summary of {@code runs} (at least one, all of one policy) at the given confidence level. */
  public static Replications of(List<SimResult> runs, double confidence) {
    if (runs == null || runs.isEmpty()) {
      throw new IllegalArgumentException("Replications need at least one run.");
    }
    if (!(confidence > 0 && confidence < 1)) {
      throw new IllegalArgumentException("The confidence level (" + confidence + ") must be between 0 and 1.");
    }
    String policy = runs.get(0).policy();
    for (SimResult r : runs) {
      if (!r.policy().equals(policy)) {
        throw new IllegalArgumentException("The runs mix policies '" + policy + "' and '" + r.policy() + "'.");
      }
    }
    double[] a = interval(runs, SimResult::attainment, confidence);
    double[] p = interval(runs, r -> r.percentileSeconds(99), confidence);
    double[] g = interval(runs, SimResult::gpuSeconds, confidence);
    return new Replications(policy, List.copyOf(runs), confidence, a[0], a[1], p[0], p[1], g[0], g[1]);
  }

  /** Mean and half-width of {@code f} over the runs: {@code t(n-1, (1+c)/2) s / sqrt(n)}. */
  static double[] interval(List<SimResult> runs, ToDoubleFunction<SimResult> f, double confidence) {
    int n = runs.size();
    double mean = 0;
    for (SimResult r : runs) {
      mean += f.applyAsDouble(r);
    }
    mean /= n;
    if (n == 1) {
      return new double[] {mean, Double.NaN};
    }
    double ss = 0;
    for (SimResult r : runs) {
      double d = f.applyAsDouble(r) - mean;
      ss += d * d;
    }
    double t = new TDistribution(n - 1).inverseCumulativeProbability(0.5 + confidence / 2);
    return new double[] {mean, t * Math.sqrt(ss / (n - 1) / n)};
  }

  /** How many runs. */
  public int count() {
    return runs.size();
  }
}
