package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.DispatchRule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MGcTest {

  /** Allen-Cunneen is exact for M/M/c: with cv = 1 every figure equals MMc's. */
  @Test
  void cvOneIsMMc() {
    QueueMetrics g = MGc.of(30, 4, 0.1, 1).metrics();
    QueueMetrics m = MMc.of(30, 4, 0.1).metrics();
    assertEquals(m.probWait().value(), g.probWait().value(), 0);
    assertEquals(m.meanWait().value(), g.meanWait().value(), 0);
    for (double p : new double[] {50, 95, 99}) {
      assertEquals(m.responsePercentile(p).value(), g.responsePercentile(p).value(), 1e-12);
      assertEquals(m.waitPercentile(p).value(), g.waitPercentile(p).value(), 1e-12);
    }
    assertEquals(m.utilization().value(), g.utilization().value(), 0);
    assertEquals(m.meanResponse().value(), g.meanResponse().value(), 0);
    assertEquals(Method.EXACT, g.meanWait().method());
    assertEquals("mgc", g.model());
  }

  @Test
  void waitGrowsWithCvAndRate() {
    double low = MGc.of(30, 4, 0.1, 0.5).metrics().meanWait().value();
    double highCv = MGc.of(30, 4, 0.1, 2).metrics().meanWait().value();
    double highRate = MGc.of(36, 4, 0.1, 0.5).metrics().meanWait().value();
    assertTrue(highCv > low);
    assertTrue(highRate > low);
    // Allen-Cunneen scales the M/M/c wait by (1 + cv²) / 2 exactly.
    assertEquals(MMc.of(30, 4, 0.1).metrics().meanWait().value() * (1 + 4) / 2, highCv, 1e-12);
  }

  @ParameterizedTest
  @CsvSource({"0, 0.8", "0.5, 0.6", "2, 0.9", "2, 0.3"})
  void percentilesAreOrderedAndDeterministicResponseIsWaitPlusService(double cv, double rho) {
    int c = 4;
    double s = 0.1;
    QueueMetrics m = MGc.of(rho * c / s, c, s, cv).metrics();
    assertTrue(m.responseP50().value() < m.responseP95().value());
    assertTrue(m.responseP95().value() < m.responseP99().value());
    assertTrue(m.waitP50().value() <= m.waitP95().value());
    assertTrue(m.waitP95().value() < m.waitP99().value());
    assertTrue(m.note().startsWith("Allen-Cunneen"), m.note());
    if (cv == 0) {
      for (double p : new double[] {50, 95, 99}) {
        assertTrue(m.responsePercentile(p).value() >= m.waitPercentile(p).value() + s - 1e-15);
      }
    }
  }

  @Test
  void zeroArrivalRate() {
    QueueMetrics m = MGc.of(0, 3, 0.1, 0).metrics();
    assertEquals(0, m.probWait().value());
    assertEquals(0, m.meanWait().value());
    assertEquals(0.1, m.responseP99().value(), 1e-15);
  }

  /** With one server Allen-Cunneen's mean is Pollaczek-Khinchine's, and its P(wait) is ρ. */
  @Test
  void oneServerIsPollaczekKhinchine() {
    for (double cv : new double[] {0, 0.5, 2}) {
      QueueMetrics g = MGc.of(7, 1, 0.1, cv).metrics();
      QueueMetrics p = MG1.of(7, 0.1, cv).metrics();
      assertEquals(p.meanWait().value(), g.meanWait().value(), 1e-12);
      assertEquals(0.7, g.probWait().value(), 1e-12);
      assertEquals(p.responseP99().value(), g.responseP99().value(), 1e-9);
    }
  }

  /**
   * A worked example by hand: c = 2, λ = 15/s, s = 0.1 s (a = 1.5 erlangs, ρ = 0.75), cv = 0.5. Erlang C(2, 1.5):
   * B(2, 1.5) = (1.5²/2) / (1 + 1.5 + 1.5²/2) = 1.125 / 3.625 = 0.3103448; C = B / (1 - ρ (1 - B)) = 0.6428571.
   * Wq = C / (cμ - λ) · (1 + cv²) / 2 = 0.6428571 / 5 · 0.625 = 0.0803571 s.
   */
  @Test
  void allenCunneenWorkedExample() {
    QueueMetrics g = MGc.of(15, 2, 0.1, 0.5).metrics();
    assertEquals(0.6428571, g.probWait().value(), 1e-7);
    assertEquals(0.0803571, g.meanWait().value(), 1e-7);
    assertEquals(Method.APPROXIMATION, g.meanWait().method());
    assertEquals(Method.EXACT, g.utilization().method());
  }

  /**
   * Allen-Cunneen's mean wait against the simulator with gamma service: an approximation, so this bounds its error,
   * within 15% of the simulated mean for these multi-server cases (cv 0 to 2, ρ 0.7 to 0.9).
   */
  @ParameterizedTest
  @CsvSource({"4, 0, 0.8", "4, 0.5, 0.9", "8, 2, 0.7", "16, 0.5, 0.9"})
  void meanWaitErrorIsBoundedAgainstTheSimulator(int c, double cv, double rho) {
    double s = 0.01;
    double rate = rho * c / s;
    QueueMetrics approx = MGc.of(rate, c, s, cv).metrics();
    QueueMetrics sim = QueueSimulator.of("mgc-sim", c, 1, DispatchRule.workConserving(),
        BatchServiceTime.gamma(s, cv), c / s, QueueSimulator.Options.defaults().withSeed(5)).run(rate);
    assertEquals(sim.meanWait().value(), approx.meanWait().value(), 0.15 * sim.meanWait().value(),
        "c " + c + ", cv " + cv + ", ρ " + rho);
  }

  @Test
  void unstableAndBadInput() {
    QueueMetrics u = MGc.of(40, 4, 0.1, 0.5).metrics();
    assertFalse(u.stable());
    assertEquals(Double.POSITIVE_INFINITY, u.meanWait().value());
    assertEquals(1, u.probWait().value());
    assertEquals(Double.POSITIVE_INFINITY, MGc.of(50, 4, 0.1, 1).metrics().meanWait().value());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MGc.of(1, 0, 0.1, 1));
    assertTrue(e.getMessage().contains("servers (0)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MGc.of(1, 2, 0.1, Double.NaN));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MGc.of(-1, 2, 0.1, 1));
    assertTrue(e.getMessage().contains("-1.0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> MGc.of(Double.NaN, 2, 0.1, 1));
    assertTrue(e.getMessage().contains("NaN"), e.getMessage());
  }
}
