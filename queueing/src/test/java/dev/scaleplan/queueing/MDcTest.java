package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.apache.commons.math3.special.Gamma;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MDcTest {

  /** M/D/1: Pollaczek-Khinchine Wq = ρ D / (2 (1 - ρ)) (Kleinrock vol. 1, eq. 5.105), and P(W = 0) = 1 - ρ. */
  @ParameterizedTest
  @CsvSource({"0.1", "0.5", "0.9", "0.99"})
  void singleServerMeanIsPollaczekKhinchine(double rho) {
    QueueMetrics m = MDc.of(rho, 1, 1).metrics();
    assertEquals(rho / (2 * (1 - rho)), m.meanWait().value(), 1e-9 * Math.max(1, rho / (1 - rho)));
    assertEquals(rho, m.probWait().value(), 1e-12);
    assertEquals(Method.NUMERICAL, m.meanWait().method());
  }

  /**
   * The classical M/D/1 waiting-time distribution (Erlang 1909; Crommelin 1932; e.g. Tijms, "A First Course in
   * Stochastic Models", 2003, ch. 9): with D = 1,
   * {@code P(W <= x) = (1 - ρ) Σ_{k=0}^{floor(x)} e^{-λ(k - x)} (λ(k - x))^k / k!}.
   */
  @Test
  void singleServerDistributionIsErlangs() {
    for (double rho : new double[] {0.3, 0.7, 0.95}) {
      MDc q = MDc.of(rho, 1, 1);
      // (The alternating sum loses digits for large x, so x stays below 8.)
      for (double x : new double[] {0, 0.3, 1, 2.5, 7.25}) {
        double sum = 0;
        double factorial = 1;
        for (int k = 0; k <= Math.floor(x); k++) {
          if (k > 0) {
            factorial *= k;
          }
          sum += Math.exp(-rho * (k - x)) * Math.pow(rho * (k - x), k) / factorial;
        }
        assertEquals((1 - rho) * sum, q.waitCdf(x), 1e-9, "ρ " + rho + ", x " + x);
      }
    }
  }

  /**
   * An independent brute force: FIFO with constant service satisfies start_n = max(arrival_n, start_{n-c} + D)
   * (Kiefer and Wolfowitz 1955), simulated here with 2 million customers in 20 batches. Mean wait within 4 standard
   * errors of the batch means (plus 0.5% for the bias of the finite run), and P(W <= x) at three points within 4
   * standard errors of their batch means plus 0.001.
   */
  @ParameterizedTest
  @CsvSource({"2, 0.8", "10, 0.9", "50, 0.95"})
  void agreesWithTheKieferWolfowitzRecursion(int c, double rho) {
    double d = 1;
    double lambda = rho * c / d;
    MDc q = MDc.of(lambda, c, d);
    double exactMean = q.metrics().meanWait().value();
    double[] xs = {0, exactMean, 3 * exactMean};
    SplittableRandom rng = new SplittableRandom(2024 + c);
    double[] ring = new double[c]; // start times of the last c customers
    int batches = 20;
    int perBatch = 100_000;
    double[] batchMeans = new double[batches];
    double[][] below = new double[xs.length][batches];
    double t = 0;
    for (int i = 0; i < 20_000 + batches * perBatch; i++) {
      t += -Math.log(1 - rng.nextDouble()) / lambda;
      int slot = i % c;
      double start = Math.max(t, ring[slot] + d);
      ring[slot] = start;
      double w = start - t;
      if (i >= 20_000) {
        batchMeans[(i - 20_000) / perBatch] += w / perBatch;
        for (int k = 0; k < xs.length; k++) {
          if (w <= xs[k]) {
            below[k][(i - 20_000) / perBatch] += 1.0 / perBatch;
          }
        }
      }
    }
    assertEquals(mean(batchMeans), exactMean, 4 * standardError(batchMeans) + 0.005 * exactMean,
        "mean wait, c " + c + ", ρ " + rho);
    for (int k = 0; k < xs.length; k++) {
      assertEquals(mean(below[k]), q.waitCdf(xs[k]), 4 * standardError(below[k]) + 0.001, "P(W <= " + xs[k] + ")");
    }
  }

  private static double mean(double[] x) {
    double m = 0;
    for (double v : x) {
      m += v / x.length;
    }
    return m;
  }

  private static double standardError(double[] x) {
    double m = mean(x);
    double var = 0;
    for (double v : x) {
      var += (v - m) * (v - m) / (x.length - 1);
    }
    return Math.sqrt(var / x.length);
  }

  /**
   * Constant service waits less than exponential: below the M/M/c mean and near half of it, the classical
   * heavy-traffic relation Wq(M/D/c) ≈ Wq(M/M/c) / 2 (Cosmetatos, "Some approximate equilibrium results for the
   * multi-server queue (M/G/r)", Oper. Res. Q. 27, 1976).
   */
  @ParameterizedTest
  @CsvSource({"1", "10", "100"})
  void aboutHalfOfMMc(int c) {
    double lambda = 0.9 * c;
    double ratio = MDc.of(lambda, c, 1).metrics().meanWait().value() / MMc.of(lambda, c, 1).metrics().meanWait().value();
    assertTrue(ratio > 0.4 && ratio < 0.6, "ratio " + ratio);
  }

  @Test
  void thousandServersNearSaturation() {
    MDc q = MDc.of(990, 1000, 1);
    QueueMetrics m = q.metrics();
    assertTrue(m.stable());
    assertTrue(m.meanWait().value() > 0 && m.meanWait().value() < 1, m.toString());
    assertTrue(Double.isFinite(m.waitP99().value()) && m.waitP99().value() > 0, m.toString());
    // Deterministic service waits less than exponential service of the same mean (M/M/c, Erlang C).
    double mmc = MMc.of(990, 1000, 1).metrics().meanWait().value();
    assertTrue(m.meanWait().value() < mmc, m.meanWait().value() + " vs M/M/c " + mmc);
    assertTrue(m.waitP99().value() < MMc.of(990, 1000, 1).metrics().waitP99().value());
    double previous = -1;
    for (double rate = 900; rate < 1000; rate += 5) {
      double p99 = MDc.of(rate, 1000, 1).metrics().waitP99().value();
      assertTrue(p99 >= previous, "p99 non-decreasing in λ at " + rate);
      previous = p99;
    }
    double[] tail = MDc.solveQueue(990, 1000);
    assertTrue(tail[tail.length - 1] < 1e-15, "the tail of L is exhausted");
  }

  /**
   * An independent formula for the mean: by Spitzer's identity the maximum L of the walk with steps A - c has
   * {@code E[L] = Σ_{n>=1} E[(X_n - nc)^+] / n}, X_n ~ Poisson(nλD), and Little's law gives
   * {@code E[W] = E[L]/λ = D Σ_{n>=1} (P(X_n >= nc) - P(X_n >= nc + 1) / ρ)}; the expected values come from this
   * derivation (the series has the form usually credited to Crommelin, 1932, which we could not read to confirm). Summed here with Poisson probabilities from commons-math's log-gamma, independently of the model's
   * roots, inversion and Poisson code; the terms fall like e^{-n c (ρ - 1 - ln ρ)}.
   */
  @ParameterizedTest
  @CsvSource({"1, 0.5", "2, 0.8", "5, 0.9", "10, 0.95", "50, 0.9", "100, 0.99", "1000, 0.9", "1000, 0.99"})
  void meanMatchesCrommelinSeries(int c, double rho) {
    double a = rho * c;
    double decay = c * (rho - 1 - Math.log(rho));
    double total = 0;
    for (int n = 1; ; n++) {
      double mu = n * a;
      long m = (long) n * c;
      double pm = Math.exp(-mu + m * Math.log(mu) - Gamma.logGamma(m + 1.0));
      double above = 0; // P(X_n >= m + 1)
      double p = pm * mu / (m + 1);
      for (long j = m + 1; p > 0 && p >= 1e-18 * above; j++) {
        above += p;
        p *= mu / (j + 1);
      }
      double term = pm + above * (1 - 1 / rho); // P(X >= m) - P(X >= m + 1) / ρ
      total += term;
      if (term / -Math.expm1(-decay) < 1e-13 * total) {
        break;
      }
    }
    double mean = MDc.of(a, c, 1).metrics().meanWait().value();
    assertEquals(total, mean, 1e-9 * total, "c " + c + ", ρ " + rho);
  }

  /**
   * Brute force on the number in system N: the Crommelin chain {@code N' = max(N - c, 0) + Poisson(λD)} iterated
   * from empty until it stops moving (1e-15), on states 0..c + a + 40 sqrt(a) + 400. Then P(W > 0) = P(N >= c) by PASTA
   * and E[W] = E[(N - c)^+] / λ by Little's law. Independent of the generating function and of Franx's formula.
   */
  @ParameterizedTest
  @CsvSource({"1, 0.7", "3, 0.8", "10, 0.9", "30, 0.85"})
  void agreesWithPowerIterationOfTheChain(int c, double rho) {
    double a = rho * c;
    int states = (int) (c + a + 40 * Math.sqrt(a) + 400);
    int width = (int) (a + 40 * Math.sqrt(a) + 50);
    double[] pois = new double[width];
    for (int j = 0; j < width; j++) {
      pois[j] = Math.exp(-a + j * Math.log(a) - Gamma.logGamma(j + 1.0));
    }
    double[] pi = new double[states];
    pi[0] = 1;
    for (int it = 0; it < 100_000; it++) {
      double[] l = new double[states]; // distribution of max(N - c, 0)
      for (int i = 0; i < states; i++) {
        l[Math.max(i - c, 0)] += pi[i];
      }
      double[] next = new double[states];
      for (int k = 0; k < states; k++) {
        if (l[k] == 0) {
          continue;
        }
        for (int j = 0; j < width && k + j < states; j++) {
          next[k + j] += l[k] * pois[j];
        }
      }
      double mass = 0;
      for (double v : next) {
        mass += v;
      }
      double change = 0;
      for (int i = 0; i < states; i++) {
        next[i] /= mass;
        change += Math.abs(next[i] - pi[i]);
      }
      pi = next;
      if (change < 1e-15) {
        break;
      }
    }
    double busy = 0;
    double queued = 0;
    for (int i = c; i < states; i++) {
      busy += pi[i];
      queued += (i - c) * pi[i];
    }
    MDc q = MDc.of(a, c, 1);
    QueueMetrics m = q.metrics();
    assertEquals(busy, m.probWait().value(), 1e-10, "P(W > 0), c " + c + ", ρ " + rho);
    assertEquals(queued / a, m.meanWait().value(), 1e-9 * queued / a, "E[W], c " + c + ", ρ " + rho);
  }

  /** The mean is E[L]/λ (Little), and far below saturation Pollaczek-Khinchine keeps its relative accuracy at c = 1. */
  @Test
  void meanIsLittlesLawAndAccurateAtLowLoad() {
    for (double rho : new double[] {1e-4, 0.01, 0.3}) {
      assertEquals(rho / (2 * (1 - rho)), MDc.of(rho, 1, 1).metrics().meanWait().value(), 1e-9 * rho, "ρ " + rho);
    }
    for (int c : new int[] {2, 20, 200}) {
      double a = 0.9 * c;
      double[] tail = MDc.solveQueue(a, c);
      double lq = 0;
      for (double g : tail) {
        lq += g; // E[L] = Σ P(L > n)
      }
      assertEquals(lq / a, MDc.of(a, c, 1).metrics().meanWait().value(), 1e-10 * lq / a, "c " + c);
    }
  }

  /** The tail and the distribution function at the edges: far out, at infinity, NaN, and their sum. */
  @Test
  void tailEdges() {
    MDc q = MDc.of(900, 1000, 1);
    assertEquals(1, q.waitCdf(1e3), 0); // E[W] is about 5e-6 here
    assertEquals(1, q.waitCdf(1e9), 0); // no k c-sized arrays for huge t
    assertEquals(0, q.waitTail(1e9), 0);
    assertEquals(1, q.waitCdf(Double.POSITIVE_INFINITY), 0);
    assertTrue(Double.isNaN(q.waitCdf(Double.NaN)));
    assertEquals(0, q.waitCdf(-1e-9), 0);
    assertEquals(1, q.waitTail(-1), 0);
    MDc r = MDc.of(9, 10, 0.1);
    for (double t : new double[] {0, 0.05, 0.1, 0.1 + 1e-12, 0.35, 1, 3}) {
      assertEquals(1, r.waitCdf(t) + r.waitTail(t), 1e-15, "t " + t);
    }
    // Continuous across multiples of D (the formula switches k there).
    assertEquals(r.waitTail(0.2), r.waitTail(Math.nextDown(0.2)), 1e-12);
    // The tail keeps relative accuracy far out: the M/D/1 tail falls like z0^{-x/D}, z0 > 1 the root of
    // z = e^{ρ(z-1)} (the dominant pole of the generating function; e.g. Tijms 2003, §9.4 on geometric tails), so the
    // ratio over one D tends to 1/z0; checked at tails of about 1e-11 and 1e-14.
    double rho = 0.5;
    double lo = 1.5;
    double hi = 10;
    for (int i = 0; i < 200; i++) {
      double mid = 0.5 * (lo + hi);
      if (mid < Math.exp(rho * (mid - 1))) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    MDc one = MDc.of(rho, 1, 1);
    assertEquals(1 / lo, one.waitTail(21) / one.waitTail(20), 1e-8);
    assertEquals(1 / lo, one.waitTail(26) / one.waitTail(25), 1e-8);
  }

  /**
   * The inverted probabilities P(L = n), before any renormalisation, sum to 1 (P_L(1) = 1 is built into the
   * generating function, so a wrong root, a wrong circle, aliasing or cancellation near z = 1 would show here).
   */
  @ParameterizedTest
  @CsvSource({"1, 0.5", "1, 0.99", "2, 0.8", "10, 0.9", "100, 0.9", "100, 0.3", "1000, 0.99", "1000, 0.5",
      "3, 0.999"})
  void invertedProbabilitiesSumToOne(int c, double rho) {
    double[] pmf = MDc.queuePmf(rho * c, c);
    double sum = 0;
    for (double p : pmf) {
      assertTrue(p >= 0 && p <= 1 + 1e-12, "π " + p); // rounding of the c-factor products, about c * 1e-16
      sum += p;
    }
    assertEquals(1, sum, 1e-12, "c " + c + ", ρ " + rho);
  }

  /**
   * For c = 1, L = max(N - 1, 0) with N the M/D/1 number in system, so P(L = 0) = P(N <= 1) = (1 - ρ) e^ρ
   * (P(N = 0) = 1 - ρ, P(N = 1) = (1 - ρ)(e^ρ - 1); Gross and Harris, "Fundamentals of Queueing Theory", §5.1.6).
   */
  @ParameterizedTest
  @CsvSource({"0.1", "0.9", "0.999"})
  void singleServerEmptyProbability(double rho) {
    assertEquals((1 - rho) * Math.exp(rho), MDc.queuePmf(rho, 1)[0], 1e-14);
  }

  /** Very large systems finish (the rounding of 20,000-factor products must not stall the mean-wait series). */
  @Test
  void twentyThousandServers() {
    for (double rho : new double[] {0.5, 0.99}) {
      QueueMetrics m = MDc.of(rho * 20_000, 20_000, 1).metrics();
      assertTrue(m.meanWait().value() >= 0 && m.meanWait().value() < 0.1, m.toString());
      assertTrue(m.waitP99().value() < 1, m.toString());
    }
  }

  @Test
  void responseIsWaitPlusD() {
    MDc q = MDc.of(95, 100, 1);
    QueueMetrics m = q.metrics();
    // P(W = 0) is about 0.52 here, so p50 is 0 and the higher percentiles invert the continuous part exactly.
    assertEquals(0, m.waitP50().value(), 0);
    assertTrue(q.waitCdf(0) >= 0.5);
    for (double p : new double[] {50, 95, 99, 99.9}) {
      assertEquals(m.waitPercentile(p).value() + 1, m.responsePercentile(p).value(), 1e-12);
    }
    for (double p : new double[] {95, 99, 99.9}) {
      assertEquals(p / 100, q.waitCdf(m.waitPercentile(p).value()), 1e-9);
    }
  }

  @Test
  void zeroRateUnstableAndBadInput() {
    QueueMetrics idle = MDc.of(0, 4, 0.2).metrics();
    assertEquals(0, idle.probWait().value());
    assertEquals(0.2, idle.responseP99().value(), 0);
    QueueMetrics m = MDc.of(4, 2, 0.5).metrics();
    assertFalse(m.stable());
    assertEquals(Double.POSITIVE_INFINITY, m.meanWait().value());
    for (double p : new double[] {50, 99}) {
      assertEquals(Double.POSITIVE_INFINITY, m.waitPercentile(p).value());
      assertEquals(Double.POSITIVE_INFINITY, m.responsePercentile(p).value());
    }
    assertFalse(MDc.of(2, 2, 1).metrics().stable(), "ρ = 1 exactly is unstable");
    assertEquals(0, MDc.of(2, 2, 1).waitCdf(5));
    assertBadInput("NaN", () -> MDc.of(Double.NaN, 1, 1));
    assertBadInput("-1.0", () -> MDc.of(-1, 1, 1));
    assertBadInput("Infinity", () -> MDc.of(Double.POSITIVE_INFINITY, 1, 1));
    assertBadInput("(0)", () -> MDc.of(1, 0, 1));
    assertBadInput("(0.0)", () -> MDc.of(1, 1, 0));
    assertBadInput("-0.5", () -> MDc.of(1, 1, -0.5));
    assertBadInput("NaN", () -> MDc.of(1, 1, Double.NaN));
  }

  private static void assertBadInput(String value, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(value), e.getMessage());
  }
}
