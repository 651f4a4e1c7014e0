package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class QueueSimulatorTest {
  /** 99.9% intervals and fixed seeds: deterministic, and wide enough that a correct simulator passes them all. */
  private static final QueueSimulator.Options OPTIONS =
      QueueSimulator.Options.defaults().withConfidence(0.999).withSeed(42);

  static QueueSimulator mmc(int servers, double meanService) {
    return QueueSimulator.of("mmc-sim", servers, 1, DispatchRule.workConserving(),
        BatchServiceTime.exponential(meanService), servers / meanService, OPTIONS);
  }

  static void assertCovers(Estimate simulated, double exact, String what) {
    assertTrue(simulated.covers(exact), what + ": exact " + exact + " outside [" + simulated.lower() + ", "
        + simulated.upper() + "]");
    // Not a vacuous check: the interval must be informative (all cases here have mean service 0.1 s).
    assertTrue(simulated.halfWidth() <= 0.25 * Math.max(exact, 0.01), what + ": interval too wide " + simulated);
  }

  /** The simulator against M/M/c, whose figures are exact (Erlang C; MMcTest checks them against references). */
  @ParameterizedTest
  @CsvSource({"8, 1, 0.1", "5, 1, 0.1", "60, 8, 0.1", "75, 8, 0.1", "900, 100, 0.1"})
  void matchesMMc(double rate, int servers, double meanService) {
    QueueMetrics exact = MMc.of(rate, servers, meanService).metrics();
    QueueMetrics sim = mmc(servers, meanService).run(rate);
    assertCovers(sim.utilization(), exact.utilization().value(), "utilization");
    assertCovers(sim.probWait(), exact.probWait().value(), "P(wait)");
    assertCovers(sim.meanWait(), exact.meanWait().value(), "mean wait");
    assertCovers(sim.meanResponse(), exact.meanResponse().value(), "mean response");
    for (double p : new double[] {50, 95, 99}) {
      assertCovers(sim.responsePercentile(p), exact.responsePercentile(p).value(), "response p" + p);
    }
    assertCovers(sim.waitPercentile(99), exact.waitP99().value(), "wait p99");
    assertEquals(Method.SIMULATION, sim.method());
  }

  /** Pollaczek-Khinchine: Wq = λ E[S²] / (2 (1 - ρ)) (Kleinrock vol. 1, eq. 5.105). */
  @ParameterizedTest
  @CsvSource({"0, 0.7", "0.5, 0.7", "2, 0.5", "1, 0.9"})
  void matchesPollaczekKhinchine(double cv, double rho) {
    double s = 0.01;
    double rate = rho / s;
    QueueSimulator sim = QueueSimulator.of("mg1-sim", 1, 1, DispatchRule.workConserving(),
        BatchServiceTime.gamma(s, cv), 1 / s, OPTIONS);
    double wq = rate * s * s * (1 + cv * cv) / (2 * (1 - rho));
    QueueMetrics m = sim.run(rate);
    assertTrue(m.meanWait().covers(wq), "cv " + cv + ": P-K " + wq + " vs " + m.meanWait());
    assertTrue(m.probWait().covers(rho), "P(wait) = ρ for M/G/1: " + m.probWait());
  }

  @Test
  void sameSeedSameResult() {
    QueueMetrics a = mmc(4, 0.1).run(30);
    QueueMetrics b = mmc(4, 0.1).run(30);
    assertEquals(a.responseP99(), b.responseP99());
    assertEquals(a.meanWait(), b.meanWait());
  }

  @Test
  void unstableRatesAreNotSimulated() {
    QueueMetrics m = mmc(2, 0.1).run(20);
    assertFalse(m.stable());
    assertEquals(Double.POSITIVE_INFINITY, m.responseP99().value());
    assertThrows(IllegalArgumentException.class, () -> mmc(2, 0.1).run(Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> mmc(2, 0.1).run(-1));
  }

  /**
   * Max queue delay T with B = 2 at very light load: almost every request finds an idle server and nobody behind it,
   * so it waits the full T; P(a second arrival within T) = 1 - e^{-λT} shortens a few waits.
   */
  @Test
  void maxQueueDelayHoldsLoneRequestsForT() {
    double t = 0.005;
    double rate = 0.5;
    QueueSimulator sim = QueueSimulator.of("batch", 1, 2, DispatchRule.maxQueueDelay(t),
        BatchServiceTime.deterministic(BatchLatency.affine(0.001, 0.0005)), 2 / 0.002, OPTIONS);
    QueueMetrics m = sim.run(rate);
    // A lone request waits min(T, time to the next arrival), mean (1 - e^{-λT}) / λ; with probability
    // p = 1 - e^{-λT} a second request joins it and waits 0. Per request: ((1 - e^{-λT}) / λ) / (1 + p).
    // (Arrivals during a service, probability about λ l(2) = 0.1%, are ignored: tolerance 0.1% of T.)
    double p = -Math.expm1(-rate * t);
    assertEquals(p / rate / (1 + p), m.meanWait().value(), t * 1e-3);
    assertTrue(m.meanBatchSize().orElseThrow().value() < 1.01);
  }

  /**
   * A batch that holds out for B = 10 requests (T far beyond any gap, service negligible) starts at its 10th arrival,
   * so the request in position p waits the 9 - p remaining inter-arrival times: mean wait 4.5 / λ, every batch full.
   * 1,005 customers per replication: the last measured batch must still fill from the arrivals after the
   * replication's end instead of waiting T (which would add about 5 s to the mean wait and shrink one batch).
   */
  @Test
  void maxQueueDelayBatchesFillToTheEndOfAReplication() {
    double rate = 100;
    QueueSimulator.Options options = new QueueSimulator.Options(1005, 10, 0, 0.999, 3);
    QueueSimulator sim = QueueSimulator.of("batch", 1, 10, DispatchRule.maxQueueDelay(1000),
        BatchServiceTime.deterministic(BatchLatency.affine(1e-9, 0)), 10 / 1e-9, options);
    QueueMetrics m = sim.run(rate);
    assertEquals(10, m.meanBatchSize().orElseThrow().value(), 0);
    assertTrue(m.meanWait().covers(4.5 / rate), m.meanWait().toString());
    assertTrue(m.meanWait().halfWidth() < 0.1 * 4.5 / rate, m.meanWait().toString());
  }
}
