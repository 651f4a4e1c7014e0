package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.DispatchRule;
import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MG1Test {

  /**
   * Pollaczek-Khinchine, Wq = λ s² (1 + cv²) / (2 (1 - ρ)) (Kleinrock vol. 1, eq. 5.105), worked by hand:
   * λ = 8/s, s = 0.1 s, cv = 0.5: ρ = 0.8, E[S²] = 0.0125 s², Wq = 8 · 0.0125 / 0.4 = 0.25 s.
   * M/D/1 (cv = 0), λ = 0.5/s, D = 1 s: Wq = ρ D / (2 (1 - ρ)) = 0.5 s.
   * M/M/1 (cv = 1), λ = 6/s, s = 0.1 s: Wq = ρ s / (1 - ρ) = 0.15 s.
   */
  @Test
  void pollaczekKhinchineWorkedExamples() {
    QueueMetrics m = MG1.of(8, 0.1, 0.5).metrics();
    assertEquals(0.25, m.meanWait().value(), 1e-12);
    assertEquals(0.35, m.meanResponse().value(), 1e-12);
    assertEquals(0.8, m.probWait().value(), 1e-12);
    assertEquals(Method.EXACT, m.meanWait().method());
    assertEquals(Method.APPROXIMATION, m.responseP99().method());
    assertEquals(0.5, MG1.of(0.5, 1, 0).metrics().meanWait().value(), 1e-12);
    assertEquals(0.15, MG1.of(6, 0.1, 1).metrics().meanWait().value(), 1e-12);
  }

  /**
   * A published M/D/1 example: Wikipedia, "M/D/1 queue", section "Example" (one server, Poisson arrivals at 20 per
   * hour, constant service at 30 per hour, ρ = 2/3), which prints L_Q = 0.6667, L = 1.333, ω_Q = 0.033 h and
   * ω = 0.067 h. (The page gives P-K after Cooper, "Introduction to Queueing Theory", 1981, p. 189.) In hours here;
   * L_Q = λ ω_Q and L = λ ω by Little's law.
   */
  @Test
  void publishedMD1Example() {
    QueueMetrics m = MG1.of(20, 1.0 / 30, 0).metrics();
    assertEquals(2.0 / 3, m.utilization().value(), 1e-12);
    assertEquals(0.6667, 20 * m.meanWait().value(), 5e-5);
    assertEquals(1.333, 20 * m.meanResponse().value(), 5e-4);
    assertEquals(0.033, m.meanWait().value(), 5e-4);
    assertEquals(0.067, m.meanResponse().value(), 5e-4);
  }

  /**
   * P-K with cv = 0 against MDc, an independent exact method (Crommelin 1932 / Franx 2001, by roots and a discrete
   * Fourier transform): the two mean waits agree.
   */
  @ParameterizedTest
  @CsvSource({"0.1", "0.5", "0.8", "0.95"})
  void deterministicMeanAgreesWithExactMD1(double rho) {
    double s = 0.02;
    double pk = MG1.of(rho / s, s, 0).meanWait();
    assertEquals(pk, MDc.of(rho / s, 1, s).metrics().meanWait().value(), 1e-9 * pk);
  }

  /**
   * The percentile approximation against the exact M/D/1 percentiles (MDc), a reference with no sampling noise: the
   * relative error of response p95 and p99 shrinks with the load. Bounds measured, then rounded up: 18.6% at ρ = 0.3,
   * 13.3% at 0.5, 8.0% at 0.7, 2.6% at 0.9, 1.3% at 0.95.
   */
  @ParameterizedTest
  @CsvSource({"0.3, 0.20", "0.5, 0.15", "0.7, 0.085", "0.9, 0.03", "0.95, 0.015"})
  void percentileErrorAgainstExactMD1(double rho, double bound) {
    double s = 0.1;
    QueueMetrics approx = MG1.of(rho / s, s, 0).metrics();
    QueueMetrics exact = MDc.of(rho / s, 1, s).metrics();
    for (double p : new double[] {95, 99}) {
      double e = exact.responsePercentile(p).value();
      assertEquals(e, approx.responsePercentile(p).value(), bound * e, "ρ " + rho + ", p" + p);
    }
  }

  /**
   * The exponential tail is exact in heavy traffic: as ρ -> 1, (1 - ρ) W tends to an exponential of mean
   * E[S²] / (2 E[S]) = s (1 + cv²) / 2 (Kingman, "On queues in heavy traffic", J. R. Stat. Soc. B 24, 1962). Our
   * quantile is (1 - ρ) w_q = ln(ρ / (1 - q)) s (1 + cv²) / 2, off by ln ρ / ln(1 / (1 - q)): 4.3e-4 at p90
   * and 2.2e-4 at p99 when ρ = 0.999.
   */
  @ParameterizedTest
  @CsvSource({"0", "0.5", "2"})
  void heavyTrafficLimitIsExponential(double cv) {
    double s = 0.1;
    double rho = 0.999;
    QueueMetrics m = MG1.of(rho / s, s, cv).metrics();
    for (double p : new double[] {90, 99}) {
      double limit = Math.log(1 / (1 - p / 100)) * s * (1 + cv * cv) / 2;
      assertEquals(limit, (1 - rho) * m.waitPercentile(p).value(), 5e-4 * limit, "cv " + cv + ", p" + p);
    }
  }

  /** The approximate response distribution is a proper one whose mean is the model's mean response. */
  @ParameterizedTest
  // θβ = 2 (1 - ρ) cv² / (1 + cv²): 0.1/0.5 -> 0.01 (shape 100), 0.5/0.5 -> 0.2, 2/0.3 -> 1.12 and 3/0.1 -> 1.62
  // (quadrature), 0.3/0.9 -> 0.02
  @CsvSource({"0.1, 0.5", "0.5, 0.5", "2, 0.3", "3, 0.1", "0.3, 0.9", "1.5, 0.6"})
  void responseIsAProperDistribution(double cv, double rho) {
    double s = 0.1;
    QueueMetrics m = MG1.of(rho / s, s, cv).metrics();
    assertProperResponse(m, s, cv);
  }

  /**
   * Checks that {@code P(R > t)} of the two-moment approximation, for the P(wait) and mean wait of {@code m}, is 1 for
   * t <= 0, non-increasing, within [0, 1] and vanishing far out; that its integral (the mean) is Wq + s; and that the
   * published response percentiles are its quantiles.
   */
  static void assertProperResponse(QueueMetrics m, double s, double cv) {
    double pw = m.probWait().value();
    double wq = m.meanWait().value();
    double theta = pw / wq;
    GammaDistribution gamma = new GammaDistribution(null, 1 / (cv * cv), s * cv * cv);
    java.util.function.DoubleUnaryOperator tail = t -> TwoMomentDelays.responseTail(pw, theta, gamma, t);
    assertEquals(1, tail.applyAsDouble(-1));
    assertEquals(1, tail.applyAsDouble(0));
    double far = wq + s;
    while (tail.applyAsDouble(far) > 1e-15) {
      far *= 2;
    }
    double prev = 1;
    for (int i = 0; i <= 2000; i++) {
      double t = far * Math.pow(10, -12 + 12.0 * i / 2000);
      double v = tail.applyAsDouble(t);
      assertTrue(v >= 0 && v <= prev + 1e-12, "tail " + v + " at t " + t + " after " + prev);
      prev = v;
    }
    // E[R] = ∫_0^∞ P(R > t) dt, over [far 2^-(j+1), far 2^-j], j = 0..39 (the rest is below far 2^-40).
    IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(8, 1e-9, 1e-15);
    double mean = 0;
    for (int j = 0; j < 40; j++) {
      mean += integrator.integrate(1_000_000, tail::applyAsDouble, far * Math.pow(2, -j - 1), far * Math.pow(2, -j));
    }
    assertEquals(wq + s, mean, 1e-7 * (wq + s), "mean response");
    for (double p : new double[] {50, 95, 99}) {
      double r = m.responsePercentile(p).value();
      assertEquals(1 - p / 100, tail.applyAsDouble(r), 1e-9, "p" + p);
    }
  }

  /** With exponential service M/G/1 is M/M/1, and every figure is MMc's exact one. */
  @Test
  void cvOneIsExactlyMM1() {
    QueueMetrics g = MG1.of(6, 0.1, 1).metrics();
    QueueMetrics m = MMc.of(6, 1, 0.1).metrics();
    for (double p : new double[] {50, 90, 95, 99, 99.9}) {
      assertEquals(m.responsePercentile(p).value(), g.responsePercentile(p).value(), 1e-9);
      assertEquals(m.waitPercentile(p).value(), g.waitPercentile(p).value(), 1e-9);
    }
    assertEquals(Method.NUMERICAL, g.responseP99().method());
    assertEquals("mg1", g.model());
    assertEquals(m.utilization().value(), g.utilization().value(), 1e-9);
    assertEquals(m.probWait().value(), g.probWait().value(), 1e-9);
    assertEquals(m.meanWait().value(), g.meanWait().value(), 1e-9);
    assertEquals(m.meanResponse().value(), g.meanResponse().value(), 1e-9);
  }

  /** M/D/1 (cv = 0), P-K reduces to Wq = ρ s / (2 (1 - ρ)) (Kleinrock vol. 1, eq. 5.105 with E[S²] = s²). */
  @ParameterizedTest
  @CsvSource({"0.1", "0.5", "0.9", "0.99"})
  void deterministicServiceMeanWait(double rho) {
    double s = 0.02;
    QueueMetrics m = MG1.of(rho / s, s, 0).metrics();
    assertEquals(rho * s / (2 * (1 - rho)), m.meanWait().value(), 1e-12 * m.meanWait().value());
    assertEquals(rho, m.probWait().value(), 1e-12);
    assertEquals(rho, m.utilization().value(), 1e-12);
  }

  /**
   * The response tail by TwoMomentDelays (closed form when θβ < 1, quadrature otherwise) against a direct composite
   * Simpson evaluation of P(R > t) = (1 - pw) S̄(t) + pw [e^{-θt} + ∫_0^t θ e^{-θw} S̄(t - w) dw], θ = pw / Wq.
   */
  @ParameterizedTest
  // θβ = 2 (1 - ρ) cv² / (1 + cv²): 0.5/0.5 -> 0.2, 2/0.3 -> 1.12 (quadrature), 3/0.1 -> 1.62 (quadrature),
  // 0.3/0.9 -> 0.02
  @CsvSource({"0.5, 0.5", "2, 0.3", "3, 0.1", "0.3, 0.9", "1.5, 0.6"})
  void responseTailMatchesDirectConvolution(double cv, double rho) {
    double s = 0.1;
    double wq = MG1.of(rho / s, s, cv).meanWait();
    double theta = rho / wq;
    var gamma = new GammaDistribution(null, 1 / (cv * cv), s * cv * cv);
    for (double t : new double[] {0.02, 0.1, 0.4, 1.5}) {
      int n = 20_000;
      double h = t / n;
      double sum = 0;
      for (int i = 0; i <= n; i++) {
        double w = i * h;
        double f = theta * Math.exp(-theta * w) * (1 - gamma.cumulativeProbability(t - w));
        sum += (i == 0 || i == n) ? f : (i % 2 == 1 ? 4 * f : 2 * f);
      }
      double direct = (1 - rho) * (1 - gamma.cumulativeProbability(t)) + rho * (Math.exp(-theta * t) + sum * h / 3);
      assertEquals(direct, TwoMomentDelays.responseTail(rho, theta, gamma, t), 1e-5,
          "cv " + cv + ", ρ " + rho + ", t " + t);
    }
  }

  @ParameterizedTest
  @CsvSource({"0, 0.3", "0.5, 0.3", "0.5, 0.8", "2, 0.3", "2, 0.8", "5, 0.5"})
  void percentilesAreOrdered(double cv, double rho) {
    QueueMetrics m = MG1.of(rho / 0.1, 0.1, cv).metrics();
    assertTrue(m.waitP50().value() <= m.waitP95().value());
    assertTrue(m.waitP95().value() < m.waitP99().value());
    assertTrue(m.responseP50().value() < m.responseP95().value());
    assertTrue(m.responseP95().value() < m.responseP99().value());
    assertEquals(Method.APPROXIMATION, m.waitP99().method());
  }

  /** λ = 0: nobody waits; the response is the service time (gamma percentiles, or s when deterministic). */
  @Test
  void zeroArrivalRate() {
    QueueMetrics d = MG1.of(0, 0.1, 0).metrics();
    assertTrue(d.stable());
    assertEquals(0, d.meanWait().value());
    assertEquals(0, d.waitP99().value());
    assertEquals(0.1, d.responseP99().value(), 1e-15);
    QueueMetrics g = MG1.of(0, 0.1, 0.5).metrics();
    var gamma = new GammaDistribution(4, 0.025);
    assertEquals(gamma.inverseCumulativeProbability(0.99), g.responseP99().value(), 1e-9);
    assertEquals(0.1, g.meanResponse().value(), 1e-15);
  }

  /**
   * The approximate response percentiles against the simulator with gamma service of the same mean and cv. The
   * approximation is not exact, so this measures its error: within 12% of the simulated value for these cases
   * (moderate to heavy load, cv 0.5 to 2), which is what the javadoc may promise.
   */
  @ParameterizedTest
  // (cv 2, ρ 0.3 takes the numerical branch of TwoMomentDelays.responseTail: θβ = 1.6 (1 - ρ) = 1.12 >= 1.)
  @CsvSource({"0.5, 0.5", "0.5, 0.8", "2, 0.5", "2, 0.8", "0.25, 0.9", "2, 0.3"})
  void approximationErrorIsBoundedAgainstTheSimulator(double cv, double rho) {
    double s = 0.01;
    QueueMetrics approx = MG1.of(rho / s, s, cv).metrics();
    QueueMetrics sim = QueueSimulator.of("mg1-sim", 1, 1, DispatchRule.workConserving(),
        BatchServiceTime.gamma(s, cv), 1 / s, QueueSimulator.Options.defaults().withSeed(3)).run(rho / s);
    for (double p : new double[] {50, 95, 99}) {
      double a = approx.responsePercentile(p).value();
      double b = sim.responsePercentile(p).value();
      assertEquals(b, a, 0.12 * b, "cv " + cv + ", ρ " + rho + ", p" + p);
    }
  }

  /** Deterministic service: the response is the wait plus s exactly; percentiles ordered. */
  @Test
  void deterministicServiceShiftsTheWait() {
    QueueMetrics m = MG1.of(50, 0.01, 0).metrics();
    for (double p : new double[] {50, 95, 99}) {
      assertEquals(m.waitPercentile(p).value() + 0.01, m.responsePercentile(p).value(), 1e-15);
    }
    assertTrue(m.responseP50().value() < m.responseP95().value());
    assertTrue(m.responseP95().value() < m.responseP99().value());
  }

  @Test
  void waitGrowsWithCvAndRate() {
    assertTrue(MG1.of(5, 0.1, 2).metrics().meanWait().value() > MG1.of(5, 0.1, 0.5).metrics().meanWait().value());
    assertTrue(MG1.of(8, 0.1, 2).metrics().meanWait().value() > MG1.of(5, 0.1, 2).metrics().meanWait().value());
  }

  @Test
  void unstableAndBadInput() {
    QueueMetrics m = MG1.of(10, 0.1, 0.5).metrics();
    assertFalse(m.stable());
    assertEquals(Double.POSITIVE_INFINITY, m.meanWait().value());
    assertEquals(Double.POSITIVE_INFINITY, m.meanResponse().value());
    assertEquals(Double.POSITIVE_INFINITY, m.responseP99().value());
    assertFalse(MG1.of(12, 0.1, 0).metrics().stable());
    assertEquals(Double.POSITIVE_INFINITY, MG1.of(12, 0.1, 0).metrics().meanWait().value());
    assertEquals(Double.POSITIVE_INFINITY, MG1.of(12, 0.1, 1).metrics().meanWait().value());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MG1.of(1, 0.1, -0.5));
    assertTrue(e.getMessage().contains("-0.5"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MG1.of(Double.NaN, 0.1, 1));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MG1.of(1, 0, 1));
    assertTrue(e.getMessage().contains("(0.0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MG1.of(-2, 0.1, 1));
    assertTrue(e.getMessage().contains("arrival rate (requests/s) (-2.0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MG1.of(1, Double.NaN, 1));
    assertTrue(e.getMessage().contains("mean service time (s) (NaN)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MG1.of(1, 0.1, Double.POSITIVE_INFINITY));
    assertTrue(e.getMessage().contains("Infinity"), e.getMessage());
    assertEquals(0, MG1.of(0, 0.1, 0.5).metrics().probWait().value());
  }

  /** An almost regular service (cv 1e-6) is quick and agrees with deterministic service to 0.5% of s. */
  @Test
  void nearlyDeterministicServiceIsFast() {
    long start = System.nanoTime();
    double p99 = MG1.of(50, 0.01, 1e-6).metrics().responseP99().value();
    assertTrue(System.nanoTime() - start < 2_000_000_000L, "took " + (System.nanoTime() - start) / 1e6 + " ms");
    assertEquals(MG1.of(50, 0.01, 0).metrics().responseP99().value(), p99, 0.005 * 0.01);
  }
}
