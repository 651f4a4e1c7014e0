package dev.scaleplan.solvers.control;

import dev.scaleplan.api.Checks;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;

/**
 * An LLM instance's token throughput from its profile, for the {@link Autoscaler}'s token-based demand: during
 * decode, an iteration over a batch of b requests yields b tokens in l(b) seconds, so the instance generates
 * b / l(b) tokens per second while every request sees one token per l(b) (the time per output token, TPOT). The
 * throughput within a TPOT target is the best b / l(b) over the measured batches whose l(b) meets it (Splitwise,
 * Patel et al., ISCA 2024, section 3, for the iteration model; at the profile's measured batches, on the curve's
 * monotone envelope, not interpolated).
 */
public final class TokenThroughput {
  private TokenThroughput() {}

  /**
   * The decode tokens per second of one instance within the TPOT target.
   *
   * @param decode the decode curve (seconds per iteration by batch), as {@code profile.require(gpu, tp, DECODE)}
   * @param tpotSeconds the time-per-output-token target
   * @param statistic which latency to hold to the target (the mean, or the p99 for a tail target)
   * @throws IllegalArgumentException when even a batch of the smallest size misses the target, naming both
   */
  public static double decode(LatencyCurve decode, double tpotSeconds, LatencyCurve.Statistic statistic) {
    Checks.positive("TPOT target (s)", tpotSeconds);
    double best = 0;
    for (LatencyPoint p : decode.points()) {
      double l = decode.seconds(p.batchSize(), statistic);  // the curve's monotone envelope at a measured batch
      if (l <= tpotSeconds) {
        best = Math.max(best, p.batchSize() / l);
      }
    }
    if (best == 0) {
      LatencyPoint first = decode.points().get(0);
      throw new IllegalArgumentException("No measured batch meets the TPOT target of " + tpotSeconds * 1e3
          + " ms: the smallest, " + first.batchSize() + ", takes " + decode.seconds(first.batchSize(), statistic) * 1e3
          + " ms per token.");
    }
    return best;
  }
}
