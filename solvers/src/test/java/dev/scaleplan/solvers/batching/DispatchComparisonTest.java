package dev.scaleplan.solvers.batching;

import static dev.scaleplan.solvers.batching.BatchDispatcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * The three rules on the published ResNet-50 v1.5 / A100 profile (NVIDIA DeepLearningExamples, Triton offline table:
 * l(b) in ms 1: 2.128, 2: 2.194, 4: 2.759, 8: 3.895, 16: 5.793, 32: 11.193, 64: 25.244, 128: 48.086). Its best
 * throughput is at b = 32, 32 / 11.193 ms = 2,859 requests/s per GPU.
 */
class DispatchComparisonTest {
  static final BatchLatency RESNET50_A100 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  private static final long SEED = Long.getLong("scaleplan.seed", 42L);
  private static final int REQUESTS = 100_000;

  @Test
  void deferredWithEarlyDropKeepsAtLeastTheWorkConservingGoodputAtHighLoad() {
    System.out.println("ResNet-50 A100, max batch 32, 1 GPU, " + REQUESTS + " Poisson arrivals, seed " + SEED);
    System.out.println("SLO ms  rate/s  load  | work-conserving att/batch | deferred att/batch ratio "
        + "| deferred+early-drop att/batch ratio");
    for (double slo : new double[] {0.015, 0.025}) {
      for (double rate : new double[] {2000, 2600, 2700, 2800, 3000, 4000}) {
        DispatchComparison.Result r = DispatchComparison.compare(
            DispatchComparison.poissonArrivals(rate, REQUESTS, SEED), slo, RESNET50_A100, 32, 1);
        print(slo, rate, r);
        String where = "SLO " + slo + " s, rate " + rate + "/s, seed " + SEED + ":\n" + r;
        if (rate >= 2700 || (rate >= 2600 && slo == 0.015)) {
          // High load (91% to 94% of the best throughput and above): early drop is no worse than eager dispatch.
          // (At 25 ms and 2,600/s it is 0.998 of it: both serve above 99.5%.)
          assertTrue(r.goodputRatio(r.deferredEarlyDrop()) >= 1, where);
        }
        if (rate >= 3000 && slo == 0.015) {
          // Overload with a tight SLO: even the literal deferred rule beats eager dispatch.
          assertTrue(r.goodputRatio() >= 1, where);
        }
        assertTrue(r.deferredEarlyDrop().meanBatchSize() > r.deferred().meanBatchSize() || rate <= 2000, where);
      }
    }
  }

  /**
   * A finding, not a guarantee: with 4 GPUs on one queue at 94% of their best throughput and a 15 ms SLO, both
   * deferred rules lose to eager dispatch (the head-only window launches short batches on GPUs that free late), so
   * only the accounting and early drop's gain over the literal rule are asserted.
   */
  @Test
  void fourGpusOneQueue() {
    DispatchComparison.Result r = DispatchComparison.compare(
        DispatchComparison.poissonArrivals(4 * 2700, REQUESTS, SEED), 0.015, RESNET50_A100, 32, 4);
    System.out.println("4 GPUs, 10,800/s, SLO 15 ms:\n" + r);
    assertTrue(r.deferredEarlyDrop().goodputPerSecond() >= r.deferred().goodputPerSecond(), r.toString());
    assertEquals(0, r.deferred().late() + r.deferredEarlyDrop().late(), r.toString());
  }

  private static void print(double slo, double rate, DispatchComparison.Result r) {
    System.out.println(String.format(Locale.ROOT, "%6.0f %7.0f %5.2f | %.4f / %5.2f | %.4f / %5.2f %.3f | "
        + "%.4f / %5.2f %.3f", slo * 1000, rate, rate / (32 / 11.193e-3), r.workConserving().attainment(),
        r.workConserving().meanBatchSize(), r.deferred().attainment(), r.deferred().meanBatchSize(),
        r.goodputRatio(), r.deferredEarlyDrop().attainment(), r.deferredEarlyDrop().meanBatchSize(),
        r.goodputRatio(r.deferredEarlyDrop())));
  }

  @Test
  void everyRequestIsAccountedForAndRunsRepeat() {
    double[] arrivals = DispatchComparison.poissonArrivals(2500, 20_000, 7);
    DispatchComparison.Result a = DispatchComparison.compare(arrivals, 0.02, RESNET50_A100, 64, 2);
    DispatchComparison.Result b = DispatchComparison.compare(arrivals.clone(), 0.02, RESNET50_A100, 64, 2);
    assertEquals(a, b, "the replay is deterministic");
    for (DispatchComparison.PolicyResult p : new DispatchComparison.PolicyResult[] {a.workConserving(), a.deferred(),
        a.deferredEarlyDrop()}) {
      assertEquals(arrivals.length, p.withinDeadline() + p.late() + p.dropped(), p.toString());
      assertEquals(p.withinDeadline() / p.horizonSeconds(), p.goodputPerSecond(), 1e-9, p.toString());
      assertEquals((double) p.withinDeadline() / arrivals.length, p.attainment(), 1e-12, p.toString());
      assertEquals(arrivals[arrivals.length - 1] + 0.02 - arrivals[0], p.horizonSeconds(), 1e-12);
    }
    assertEquals(0, a.deferred().late(), "a deferred batch never misses");
    assertEquals(0, a.deferredEarlyDrop().late(), "a deferred batch never misses");
  }

  @Test
  void lightLoadServesEveryoneAndTheDeferredRuleBatchesMore() {
    // 500/s is 17% of the best throughput; the deferred rule waits to fill batches but meets every deadline.
    DispatchComparison.Result r = DispatchComparison.compare(
        DispatchComparison.poissonArrivals(500, 10_000, SEED), 0.025, RESNET50_A100, 32, 1);
    assertEquals(1.0, r.workConserving().attainment(), r.toString());
    assertEquals(1.0, r.deferred().attainment(), r.toString());
    assertTrue(r.deferred().meanBatchSize() > 2 * r.workConserving().meanBatchSize(), r.toString());
  }

  @Test
  void emptyArrivals() {
    DispatchComparison.PolicyResult p = DispatchComparison.simulate(
        BatchDispatcher.deferred(RESNET50_A100, 32, 1), new double[0], 0.02);
    assertEquals(0, p.batches());
    assertEquals(0, p.meanBatchSize());
    assertEquals(1, p.attainment());
    assertEquals(0, p.goodputPerSecond());
  }

  @Test
  void badInputNamesTheValue() {
    BatchDispatcher fresh = BatchDispatcher.deferred(RESNET50_A100, 32, 1);
    assertMessage(() -> DispatchComparison.simulate(fresh, new double[] {0.1, 0.3, 0.2}, 0.02),
        "arrival [2] (0.2 s) comes before arrival [1] (0.3 s)");
    assertMessage(() -> DispatchComparison.simulate(fresh, new double[] {0.1, Double.NaN}, 0.02),
        "arrival time [1] (s) (NaN)");
    assertMessage(() -> DispatchComparison.simulate(fresh, new double[] {-0.1}, 0.02), "arrival time [0] (s) (-0.1)");
    assertMessage(() -> DispatchComparison.simulate(fresh, null, 0.02), "arrival times must not be null");
    assertMessage(() -> DispatchComparison.simulate(fresh, new double[] {0.1}, Double.NaN), "SLO (s) (NaN)");
    assertMessage(() -> DispatchComparison.simulate(fresh, new double[] {0.1}, -1), "SLO (s) (-1.0)");
    BatchDispatcher used = BatchDispatcher.deferred(RESNET50_A100, 32, 1);
    used.onArrival(0, 1);
    assertMessage(() -> DispatchComparison.simulate(used, new double[] {0.1}, 0.02), "must be fresh");
    assertMessage(() -> DispatchComparison.poissonArrivals(Double.NaN, 5, 1), "arrival rate (requests/s) (NaN)");
    assertMessage(() -> DispatchComparison.poissonArrivals(10, -1, 1), "number of arrivals (-1)");
  }
}
