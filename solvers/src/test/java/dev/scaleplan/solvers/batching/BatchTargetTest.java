package dev.scaleplan.solvers.batching;

import static dev.scaleplan.solvers.batching.BatchDispatcherTest.assertMessage;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import java.util.OptionalInt;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The target batch by hand, against an exhaustive search in exact integer arithmetic, and on bad input. */
class BatchTargetTest {
  private static final long SEED = Long.getLong("scaleplan.seed", 20260307L);

  @Test
  void smallCaseByHand() {
    // l(b) = 1 + b s, rate 1/s, max batch 8. Worst case b/1 + 1 + b = 1 + 2b <= 10 gives b <= 4 (b = 4: 9 s);
    // throughput b / (1 + b) >= 1 never holds at rate 1/s, so use rate 0.5/s:
    // worst case 2b + 1 + b = 1 + 3b <= 10 gives b <= 3; throughput 3 / 4 = 0.75 >= 0.5.
    BatchTarget t = BatchTarget.solve(BatchLatency.affine(1, 1), 8, 0.5, 10);
    assertEquals(BatchTarget.Status.FEASIBLE, t.status(), t.toString());
    assertEquals(3, t.batchSize());
    assertEquals(3 / 0.5 + 4, t.worstCaseSeconds(), 0, "3 / 0.5 + l(3) = 6 + 4 = 10");
    assertEquals(3.0 / 4, t.throughputPerSecond(), 0, "3 / l(3) = 3 / 4");
    assertEquals(OptionalInt.of(3), t.asOptional());

    BatchTarget slow = BatchTarget.solve(BatchLatency.affine(1, 1), 8, 1, 10);
    assertEquals(BatchTarget.Status.CANNOT_KEEP_UP, slow.status(), "b / (1 + b) < 1 for every b");
    assertEquals(0, slow.batchSize());
    assertEquals(OptionalInt.empty(), slow.asOptional());
    assertTrue(slow.reason().contains("1..4"), slow.reason());

    BatchTarget tight = BatchTarget.solve(BatchLatency.affine(1, 1), 8, 0.5, 3.5);
    assertEquals(BatchTarget.Status.SLO_TOO_TIGHT, tight.status(), "1 / 0.5 + l(1) = 2 + 2 = 4 > 3.5");
    assertFalse(tight.feasible());
    assertTrue(Double.isFinite(tight.worstCaseSeconds()) && Double.isFinite(tight.throughputPerSecond()));
  }

  @Test
  void resnet50OnA100() {
    // 2,000 requests/s under 25 ms. Between b = 16 (5.793 ms) and 32 (11.193 ms) the table is linear with slope
    // 5.4 / 16 = 0.3375 ms per request, so b / 2000 + l(b) = 0.5 b + 5.793 + 0.3375 (b - 16) = 0.8375 b + 0.393 ms
    // <= 25 ms gives b <= 29.38: b = 29, worst case 14.5 + 10.1805 = 24.6805 ms (b = 30: 15 + 10.518 = 25.518 ms),
    // throughput 29 / 10.1805 ms = 2,848.6/s >= 2,000/s.
    BatchLatency resnet = DispatchComparisonTest.RESNET50_A100;
    BatchTarget t = BatchTarget.solve(resnet, 128, 2000, Slo.of(99, 0.025));
    assertTrue(t.feasible(), t.toString());
    int b = t.batchSize();
    assertTrue(b / 2000.0 + resnet.seconds(b) <= 0.025, t.toString());
    assertTrue((b + 1) / 2000.0 + resnet.seconds(b + 1) > 0.025, t.toString());
    assertTrue(b / resnet.seconds(b) >= 2000, t.toString());
    assertEquals(29, b);
    assertEquals(0.0145 + 0.0101805, t.worstCaseSeconds(), 1e-12);
    assertEquals(29 / 0.0101805, t.throughputPerSecond(), 1e-6);
  }

  /**
   * Affine latencies in whole microseconds, whole rates, whole-microsecond SLOs: both conditions are checked exactly
   * in long arithmetic over every batch size; cases where a condition holds with equality are skipped (there the
   * floating-point answer may go either way).
   */
  @Test
  void agreesWithExhaustiveSearchInExactArithmetic() {
    SplittableRandom root = new SplittableRandom(SEED);
    int[] byStatus = new int[BatchTarget.Status.values().length];
    int skipped = 0;
    for (int n = 0; n < 5000; n++) {
      long seed = root.nextLong();
      SplittableRandom r = new SplittableRandom(seed);
      long fixedUs = 50 + r.nextInt(5000);
      long perItemUs = r.nextInt(2000);
      int maxBatch = 1 + r.nextInt(64);
      long rate = 1 + r.nextInt(20_000);
      long sloUs = 200 + r.nextInt(200_000);
      Expected expected = exhaustive(fixedUs, perItemUs, maxBatch, rate, sloUs);
      if (expected == null) {
        skipped++;
        continue;
      }
      BatchTarget t = BatchTarget.solve(BatchLatency.affine(fixedUs * 1e-6, perItemUs * 1e-6), maxBatch, rate,
          sloUs * 1e-6);
      String where = "seed " + seed + " (root " + SEED + ", case " + n + "): l(b) = " + fixedUs + " + " + perItemUs
          + " b us, max batch " + maxBatch + ", rate " + rate + "/s, SLO " + sloUs + " us -> " + t;
      assertEquals(expected.status, t.status(), where);
      assertEquals(expected.batch, t.batchSize(), where);
      byStatus[t.status().ordinal()]++;
    }
    for (BatchTarget.Status s : BatchTarget.Status.values()) {
      assertTrue(byStatus[s.ordinal()] > 50, "too few " + s + " cases: " + byStatus[s.ordinal()]);
    }
    assertTrue(skipped < 500, "skipped " + skipped);
  }

  record Expected(BatchTarget.Status status, int batch) {}

  /** Every b in 1..maxBatch, in microseconds: b / rate + l(b) <= slo is b * 1e6 + rate * l(b) <= rate * slo. */
  static Expected exhaustive(long fixedUs, long perItemUs, int maxBatch, long rate, long sloUs) {
    int best = 0;
    for (int b = 1; b <= maxBatch; b++) {
      long l = fixedUs + perItemUs * b;
      long sloSlack = rate * sloUs - (b * 1_000_000L + rate * l);
      long throughputSlack = b * 1_000_000L - rate * l;
      if (sloSlack == 0 || throughputSlack == 0) {
        return null;
      }
      if (sloSlack > 0 && throughputSlack > 0) {
        best = b;
      }
    }
    if (best > 0) {
      return new Expected(BatchTarget.Status.FEASIBLE, best);
    }
    boolean oneFits = rate * sloUs - (1_000_000L + rate * (fixedUs + perItemUs)) > 0;
    return new Expected(oneFits ? BatchTarget.Status.CANNOT_KEEP_UP : BatchTarget.Status.SLO_TOO_TIGHT, 0);
  }

  @Test
  void badInputNamesTheValue() {
    BatchLatency l = BatchLatency.affine(0.001, 0.0001);
    assertMessage(() -> BatchTarget.solve(l, 8, Double.NaN, 0.01), "arrival rate (requests/s) (NaN)");
    assertMessage(() -> BatchTarget.solve(l, 8, -5, 0.01), "arrival rate (requests/s) (-5.0)");
    assertMessage(() -> BatchTarget.solve(l, 8, 0, 0.01), "arrival rate (requests/s) (0.0)");
    assertMessage(() -> BatchTarget.solve(l, 8, 100, -0.01), "SLO target (s) (-0.01)");
    assertMessage(() -> BatchTarget.solve(l, 8, 100, Double.POSITIVE_INFINITY), "SLO target (s) (Infinity)");
    assertMessage(() -> BatchTarget.solve(l, 0, 100, 0.01), "max batch (0) must be at least 1");
    assertMessage(() -> BatchTarget.solve(null, 8, 100, 0.01), "batch latency must not be null");
    assertMessage(() -> BatchTarget.solve(l, 8, 100, (Slo) null), "SLO must not be null");
  }
}
