package dev.scaleplan.testkit.properties;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.queueing.BatchServiceTime;
import dev.scaleplan.queueing.Estimate;
import dev.scaleplan.queueing.MMc;
import dev.scaleplan.queueing.QueueMetrics;
import dev.scaleplan.queueing.QueueSimulator;
import dev.scaleplan.testkit.gen.Property;
import dev.scaleplan.testkit.gen.QueueGens;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/** Properties of the queueing models over generated parameter sets, driven by the testkit's seeded generators. */
class QueueingPropertiesTest {

  /**
   * Across 100 random stable M/M/c parameter sets (1 to 32 servers, utilisation 0.1 to 0.9, mean service 1 ms to
   * 1 s), the exact M/M/c percentiles (Erlang C, checked against exact rational references in MMcTest) lie inside
   * the simulator's confidence intervals. 99.9% intervals: over 500 comparisons about 0.5 would miss by chance, and
   * the seeds are fixed, so the outcome is deterministic.
   */
  @TestFactory
  Stream<DynamicTest> mmcPercentilesAgreeWithTheSimulator() {
    QueueSimulator.Options options = new QueueSimulator.Options(20_000, 10, 2_000, 0.999, 11);
    return Property.cases("M/M/c percentiles within simulation CI", QueueGens.stableMultiServer(32, 0.1, 0.9), 100,
        p -> {
          QueueMetrics exact = MMc.of(p.arrivalRate(), p.servers(), p.meanServiceSeconds()).metrics();
          QueueMetrics sim = QueueSimulator.of("mmc-sim", p.servers(), 1, DispatchRule.workConserving(),
              BatchServiceTime.exponential(p.meanServiceSeconds()), p.servers() / p.meanServiceSeconds(), options)
              .run(p.arrivalRate());
          for (double q : new double[] {50, 95, 99}) {
            check(sim.responsePercentile(q), exact.responsePercentile(q), "response p" + q);
            check(sim.waitPercentile(q), exact.waitPercentile(q), "wait p" + q);
          }
        }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }

  /**
   * The wait percentile of an atom at 0 is 0 exactly in both; elsewhere the exact value must lie in the interval,
   * widened by 1e-6 s for float rounding of the stored samples.
   */
  private static void check(Estimate simulated, Estimate exact, String what) {
    double x = exact.value();
    assertTrue(simulated.lower() - 1e-6 <= x && x <= simulated.upper() + 1e-6,
        what + ": exact " + x + " outside the simulated interval " + simulated);
  }

  /** A queue's p99 grows with the arrival rate (monotone), for random M/M/c queues. */
  @TestFactory
  Stream<DynamicTest> p99GrowsWithTheRate() {
    return Property.cases("M/M/c p99 monotone in rate", QueueGens.stableMultiServer(1000, 0.05, 0.95), 200, p -> {
      double previous = 0;
      for (double f = 0.1; f < 1.0 / p.utilization(); f += 0.1) {
        double rate = Math.min(p.arrivalRate() * f, 0.999 * p.servers() / p.meanServiceSeconds());
        double p99 = MMc.of(rate, p.servers(), p.meanServiceSeconds()).metrics().responseP99().value();
        assertTrue(p99 >= previous * (1 - 1e-12), "p99 fell from " + previous + " to " + p99 + " at " + rate);
        previous = p99;
      }
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}
