package dev.scaleplan.solvers.swapping;

import dev.scaleplan.queueing.MG1;

/**
 * One GPU as a FIFO single-server queue fed by the Poisson streams of its models: an M/G/1 queue whose service time is
 * a discrete mixture of deterministic times ("atoms"), one per kind of job (a resident request, a swapped request that
 * finds its model still loaded, a swapped request that swaps in).
 *
 * <p>Utilisation and mean wait are {@link MG1}'s (Pollaczek-Khinchine, exact for i.i.d. service). The waiting-time tail
 * is the more pessimistic of two standard approximations, capped at {@code P(W > 0) = ρ}:
 * <ul>
 *   <li>the two-moment exponential tail {@code ρ e^{-ρ t / Wq}} (Tijms, "A First Course in Stochastic Models", 2003,
 *       ch. 5; the approximation {@link dev.scaleplan.queueing.MG1} uses for its percentiles);
 *   <li>the Cramér-Lundberg asymptote {@code C e^{-R t}}, with R the positive root of {@code λ (E[e^{R S}] - 1) = R}
 *       and {@code C = (1 - ρ) / (λ E[S e^{R S}] - 1)} (the M/G/1 waiting time is the ruin probability of the
 *       compound-Poisson risk process; Asmussen and Albrecher, "Ruin Probabilities", 2nd ed., 2010, ch. IV, the
 *       Cramér-Lundberg approximation).
 *       It matters when the mixture is very uneven (short resident requests and long swap-ins): there the two-moment
 *       tail decays too fast and would understate p99.
 * </ul>
 */
final class GpuQueue {
  private final double rate;
  private final double rho;
  private final double theta;
  private final double lundbergRate;
  private final double lundbergConstant;

  private GpuQueue(double rate, double rho, double theta, double lundbergRate, double lundbergConstant) {
    this.rate = rate;
    this.rho = rho;
    this.theta = theta;
    this.lundbergRate = lundbergRate;
    this.lundbergConstant = lundbergConstant;
  }

  /**
   * The queue of these atoms: {@code rates[a]} requests per second, each served in {@code seconds[a]}.
   * Callers pass validated, finite values.
   */
  static GpuQueue of(double[] rates, double[] seconds) {
    // Atoms without arrivals add no work; dropped, so that a long service time at rate 0 (a model with no traffic,
    // or a swap-in that never happens) cannot turn 0 * e^{R s} into NaN in the root and its constant.
    int kept = 0;
    for (double x : rates) {
      kept += x > 0 ? 1 : 0;
    }
    if (kept < rates.length) {
      double[] r = new double[kept];
      double[] s = new double[kept];
      for (int a = 0, b = 0; a < rates.length; a++) {
        if (rates[a] > 0) {
          r[b] = rates[a];
          s[b++] = seconds[a];
        }
      }
      rates = r;
      seconds = s;
    }
    double total = 0;
    double work = 0;
    double second = 0;
    for (int a = 0; a < rates.length; a++) {
      total += rates[a];
      work += rates[a] * seconds[a];
      second += rates[a] * seconds[a] * seconds[a];
    }
    if (total == 0) {
      return new GpuQueue(0, 0, Double.POSITIVE_INFINITY, Double.POSITIVE_INFINITY, 0);
    }
    double rho = work;
    if (rho >= 1) {
      return new GpuQueue(total, rho, 0, 0, 1);
    }
    double mean = work / total;
    double variance = Math.max(0, second / total - mean * mean);
    double cv = Math.sqrt(variance) / mean;
    double wq = MG1.of(total, mean, cv).meanWait();
    double theta = wq > 0 ? rho / wq : Double.POSITIVE_INFINITY;
    double r = lundbergRoot(rates, seconds, total);
    double derivative = 0;
    for (int a = 0; a < rates.length; a++) {
      derivative += rates[a] * seconds[a] * Math.exp(r * seconds[a]);
    }
    double c = (1 - rho) / (derivative - 1);
    return new GpuQueue(total, rho, theta, r, Double.isFinite(c) && c > 0 ? c : rho);
  }

  /**
   * The positive root R of {@code sum_a rates[a] (e^{R s_a} - 1) = R}: bracketed by doubling, then Newton's method
   * from the right of the root, where the steps of a convex function decrease monotonically to the root (bisection
   * when a step leaves the bracket). A few passes over the atoms instead of some fifty: this runs for every GPU a plan
   * tries a model on.
   */
  private static double lundbergRoot(double[] rates, double[] seconds, double total) {
    double longest = 0;
    for (double s : seconds) {
      longest = Math.max(longest, s);
    }
    double[] fd = new double[2];
    double lo = 0;
    double hi = 1 / longest;
    while (excess(rates, seconds, hi, fd) <= 0) {
      lo = hi;
      hi *= 2;
    }
    double r = hi;
    for (int i = 0; i < 200; i++) {
      double f = excess(rates, seconds, r, fd);
      if (f > 0) {
        hi = r;
      } else {
        lo = r;
      }
      double x = r - f / fd[1];
      if (!(x > lo && x < hi)) {
        x = 0.5 * (lo + hi);
      }
      if (Math.abs(r - x) <= 1e-13 * r) {
        break;
      }
      r = x;
    }
    return hi;
  }

  /**
   * {@code f(r) = sum rates (e^{r s} - 1) - r}, also stored in {@code out[0]}, and its derivative in {@code out[1]}:
   * convex, 0 at r = 0, decreasing then increasing when stable.
   */
  private static double excess(double[] rates, double[] seconds, double r, double[] out) {
    double sum = -r;
    double slope = -1;
    for (int a = 0; a < rates.length; a++) {
      double x = r * seconds[a];
      double e = Math.exp(x);
      sum += rates[a] * (x < 1e-3 ? Math.expm1(x) : e - 1);
      slope += rates[a] * seconds[a] * e;
    }
    out[0] = sum;
    out[1] = slope;
    return sum;
  }

  /** The total arrival rate in requests per second. */
  double rate() {
    return rate;
  }

  /** The utilisation ρ = Σ λ s (at or above 1 means unstable). */
  double utilization() {
    return rho;
  }

  boolean stable() {
    return rho < 1;
  }

  /** The approximate {@code P(W > t)}, for t at least 0. */
  double waitTail(double t) {
    if (!stable()) {
      return 1;
    }
    if (rate == 0) {
      return 0;
    }
    double twoMoment = rho * Math.exp(-theta * t);
    double lundberg = lundbergConstant * Math.exp(-lundbergRate * t);
    return Math.min(rho, Math.max(twoMoment, lundberg));
  }

  /**
   * The q-quantile of a request's response time, waiting time plus its own service time, when its service takes
   * {@code seconds[a]} with probability {@code probs[a]}, the wait and the service taken independent:
   * the smallest t with {@code sum_a probs[a] P(W > t - seconds[a]) <= 1 - q}, by bisection.
   */
  double responseQuantile(double[] probs, double[] seconds, double q) {
    if (!stable()) {
      return Double.POSITIVE_INFINITY;
    }
    double lo = Double.POSITIVE_INFINITY;
    double hi = 0;
    for (double s : seconds) {
      lo = Math.min(lo, s);
      hi = Math.max(hi, s);
    }
    hi += waitQuantile(q);
    if (responseTail(probs, seconds, lo) <= 1 - q) {
      return lo;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (responseTail(probs, seconds, mid) <= 1 - q) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }

  /** {@code P(W + S > t)} for a request whose service takes {@code seconds[a]} with probability {@code probs[a]}. */
  double responseTail(double[] probs, double[] seconds, double t) {
    double tail = 0;
    for (int a = 0; a < probs.length; a++) {
      tail += probs[a] * (t < seconds[a] ? 1 : waitTail(t - seconds[a]));
    }
    return tail;
  }

  /** The smallest t with {@code P(W > t) <= 1 - q}. */
  double waitQuantile(double q) {
    if (waitTail(0) <= 1 - q) {
      return 0;
    }
    double lo = 0;
    double hi = 1e-6;
    while (waitTail(hi) > 1 - q) {
      lo = hi;
      hi *= 2;
    }
    for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
      double mid = 0.5 * (lo + hi);
      if (waitTail(mid) <= 1 - q) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
