package dev.scaleplan.queueing;

/** Small numerical pieces shared by the exact models: Poisson probabilities and the dominant root of Poisson walks. */
final class Numerics {
  private Numerics() {}

  /**
   * The first {@code out.length} Poisson(mean) probabilities, by the recurrence {@code p_j = p_{j-1} mean / j} from
   * {@code e^{-mean}}, or in log space when {@code e^{-mean}} would lose precision (mean above 700; below that it is a
   * normal double).
   */
  static void poissonPmf(double mean, double[] out) {
    if (mean < 700) {
      double p = Math.exp(-mean);
      for (int j = 0; j < out.length; j++) {
        out[j] = p;
        p *= mean / (j + 1);
      }
      return;
    }
    double logMean = Math.log(mean);
    double logFactorial = 0;
    for (int j = 0; j < out.length; j++) {
      if (j > 0) {
        logFactorial += Math.log(j);
      }
      out[j] = Math.exp(-mean + j * logMean - logFactorial);
    }
  }

  /**
   * The root γ > 1 of {@code k ln γ = m (γ - 1)}, for {@code 0 < m < k}: the decay rate of the stationary tail of a
   * walk that moves down by k and up by Poisson(m) per step (it solves {@code E[γ^{A - k}] = 1}; the tail falls like
   * {@code γ^{-n}}). Bracketed by doubling and found by bisection to the last bit.
   */
  static double outerRoot(double k, double m) {
    double lo = 1;
    double hi = 2;
    while (k * Math.log(hi) - m * (hi - 1) > 0) {
      lo = hi;
      hi *= 2;
    }
    while (true) {
      double mid = 0.5 * (lo + hi);
      if (mid == lo || mid == hi) {
        return hi;
      }
      if (k * Math.log(mid) - m * (mid - 1) > 0) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
  }
}
