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
    }
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
    assertFalse(MGc.of(40, 4, 0.1, 0.5).metrics().stable());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MGc.of(1, 0, 0.1, 1));
    assertTrue(e.getMessage().contains("servers (0)"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> MGc.of(1, 2, 0.1, Double.NaN));
    assertThrows(IllegalArgumentException.class, () -> MGc.of(-1, 2, 0.1, 1));
  }
}
