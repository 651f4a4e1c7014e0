package dev.scaleplan.queueing;

import java.util.function.DoubleUnaryOperator;
import org.apache.commons.math3.analysis.solvers.BrentSolver;

/** Numerical inversion of distribution functions, shared by the models whose percentiles have no closed form. */
final class Quantiles {
  private static final int MAX_EVALUATIONS = 500;

  private Quantiles() {}

  /**
   * The smallest {@code t >= 0} with {@code tail(t) <= 1 - q}, where {@code tail(t) = P(X > t)} is non-increasing and
   * continuous on {@code t > 0} (an atom at 0 is allowed). The root is bracketed by doubling from {@code scale} and
   * then found by Brent's method to a relative accuracy of 1e-12.
   *
   * @param tail the complementary distribution function
   * @param q the probability level, in (0, 1)
   * @param scale a positive time of the order of the answer (for example the mean), to start bracketing
   */
  static double fromTail(DoubleUnaryOperator tail, double q, double scale) {
    double target = 1 - q;
    if (tail.applyAsDouble(0) <= target) {
      return 0;
    }
    double lo = 0;
    double hi = scale > 0 && Double.isFinite(scale) ? scale : 1;
    int doublings = 0;
    while (tail.applyAsDouble(hi) > target) {
      lo = hi;
      hi *= 2;
      if (++doublings > 2000) {
        throw new IllegalStateException("Could not bracket the " + q + " quantile (tail above " + target
            + " at t = " + hi + ").");
      }
    }
    if (hi - lo <= 0) {
      return hi;
    }
    BrentSolver solver = new BrentSolver(1e-12, Math.max(1e-15, hi * 1e-13), 1e-300);
    double bracketLo = lo;
    return solver.solve(MAX_EVALUATIONS, t -> tail.applyAsDouble(t) - target, bracketLo, hi);
  }

  /**
   * {@code P(X + Y > t)} for independent exponentials of rates {@code a} and {@code b} (a hypoexponential tail),
   * written so that it neither overflows nor loses precision when {@code a} is close to {@code b}:
   * {@code e^{-m t} (1 + m (1 - e^{-d t}) / d)} with {@code m = min(a, b)}, {@code d = |a - b|}, and the limit
   * {@code e^{-m t} (1 + m t)} at {@code d = 0}.
   */
  static double hypoexponentialTail(double a, double b, double t) {
    double m = Math.min(a, b);
    double d = Math.abs(a - b);
    double spread = d * t == 0 ? t : -Math.expm1(-d * t) / d;
    return Math.exp(-m * t) * (1 + m * spread);
  }
}
