package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
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
    QueueMetrics m = MDc.of(990, 1000, 1).metrics();
    assertTrue(m.stable());
    assertTrue(m.meanWait().value() > 0 && m.meanWait().value() < 1, m.toString());
    double previous = -1;
    for (double rate = 900; rate < 1000; rate += 10) {
      double p99 = MDc.of(rate, 1000, 1).metrics().waitP99().value();
      assertTrue(p99 >= previous, "p99 non-decreasing in λ at " + rate);
      previous = p99;
    }
    double[] f = MDc.solveQueue(990, 1000);
    assertEquals(1, f[f.length - 1], 1e-15, "the distribution function ends at 1");
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
