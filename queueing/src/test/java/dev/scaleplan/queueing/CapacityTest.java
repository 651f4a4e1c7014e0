package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import org.junit.jupiter.api.Test;

class CapacityTest {

  /**
   * M/M/1 response time is Exp(μ - λ) (Kleinrock vol. 1, eq. 3.28), so its q-quantile is -ln(1 - q) / (μ - λ) and
   * the largest rate meeting {@code quantile <= T} is exactly λ* = μ + ln(1 - q) / T.
   */
  @Test
  void mm1CapacityMatchesTheClosedForm() {
    double mu = 100; // mean service 10 ms
    for (double[] c : new double[][] {{99, 0.1}, {95, 0.05}, {50, 0.02}, {99.9, 1}}) {
      Slo slo = Slo.of(c[0], c[1]);
      double expected = mu + Math.log(1 - slo.quantile()) / slo.targetSeconds();
      CapacityResult r = Capacity.maxRate(rate -> MMc.of(rate, 1, 1 / mu), mu, slo, 1e-9);
      assertTrue(r.feasible());
      assertEquals(expected, r.maxRatePerSecond(), 1e-6, slo.toString());
      assertTrue(r.maxRatePerSecond() <= expected, "never overstates capacity");
      assertEquals(Method.NUMERICAL, r.method()); // response percentiles come from root finding
    }
  }

  /** Capacity inversion is the inverse of the latency curve: at λ*, the percentile equals the target. */
  @Test
  void inversionIsTheInverseOfTheLatencyCurve() {
    Slo slo = Slo.of(99, 1.0); // idle p99 is the service p99, -ln(0.01) * 0.1 s = 0.46 s
    CapacityResult r = Capacity.maxRate(rate -> MMc.of(rate, 16, 0.1), 160, slo, 1e-9);
    double p99 = MMc.of(r.maxRatePerSecond(), 16, 0.1).metrics().responseP99().value();
    assertEquals(1.0, p99, 1e-6);
    assertEquals(p99, r.atMaxRate().orElseThrow().responseP99().value(), 0);
  }

  @Test
  void capacityGrowsWithTheTarget() {
    double previous = 0;
    for (double target = 0.5; target <= 3; target += 0.25) {
      CapacityResult r = Capacity.maxRate(rate -> MMc.of(rate, 4, 0.1 * 4), 10, Slo.of(95, target), 1e-6);
      assertTrue(r.maxRatePerSecond() >= previous, "target " + target);
      previous = r.maxRatePerSecond();
    }
  }

  @Test
  void anSloBelowTheServiceTimeIsInfeasibleNotAnError() {
    // With no queueing the M/M/1 p99 response is the service p99, -ln(0.01) * 10 ms = 46 ms > 20 ms.
    CapacityResult r = Capacity.maxRate(rate -> MMc.of(rate, 1, 0.01), 100, Slo.of(99, 0.02), 1e-6);
    assertFalse(r.feasible());
    assertEquals(0, r.maxRatePerSecond());
    assertTrue(r.atMaxRate().isEmpty());
    assertTrue(r.reason().contains("above the target"), r.reason());
  }

  /**
   * The batch model's capacity (numerical p99, one server): at the answer the p99 meets the target, 0.1% above it
   * the p99 misses it, and the answer is below saturation B / l(B) (published ResNet-50 A100 profile).
   */
  @Test
  void batchCapacityBracketsTheTarget() {
    InstanceConfig c = InstanceConfig.of(1, 32, BatchQueueTest.RESNET50_A100);
    Slo slo = Slo.of(99, 0.020);
    CapacityResult r = Capacity.of(c, slo);
    assertTrue(r.feasible(), r.reason());
    assertEquals(Method.NUMERICAL, r.method());
    assertTrue(r.maxRatePerSecond() < c.saturationRatePerSecond());
    double at = BatchQueue.of(r.maxRatePerSecond(), c).metrics().responseP99().value();
    double above = BatchQueue.of(1.001 * r.maxRatePerSecond(), c).metrics().responseP99().value();
    assertTrue(at <= 0.020, "p99 at the answer " + at);
    assertTrue(above > 0.020, "p99 0.1% above the answer " + above);
    assertTrue(r.evaluations() < 25, "evaluations " + r.evaluations());
  }

  /** Two servers: simulated percentiles; the answer still brackets the target with the search's own effort. */
  @Test
  void simulatedBatchCapacity() {
    InstanceConfig c = new InstanceConfig(2, 16, BatchQueueTest.RESNET50_A100,
        dev.scaleplan.api.DispatchRule.workConserving());
    CapacityResult r = Capacity.of(c, Slo.of(99, 0.020));
    assertEquals(Method.SIMULATION, r.method());
    double at = BatchQueue.of(r.maxRatePerSecond(), c, Capacity.SEARCH_SIMULATION).metrics().responseP99().value();
    double above = BatchQueue.of(1.02 * r.maxRatePerSecond(), c, Capacity.SEARCH_SIMULATION).metrics()
        .responseP99().value();
    assertTrue(at <= 0.020, "p99 at the answer " + at);
    assertTrue(above > 0.020, "p99 2% above the answer " + above);
  }

  @Test
  void badArguments() {
    assertThrows(IllegalArgumentException.class,
        () -> Capacity.maxRate(rate -> MMc.of(rate, 1, 1), 1, Slo.of(99, 1), 0));
    assertThrows(IllegalArgumentException.class,
        () -> Capacity.maxRate(rate -> MMc.of(rate, 1, 1), Double.NaN, Slo.of(99, 1), 1e-6));
    assertThrows(IllegalArgumentException.class, () -> Slo.of(100, 1));
    assertThrows(IllegalArgumentException.class, () -> Slo.of(99, -1));
  }
}
