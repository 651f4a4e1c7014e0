package dev.scaleplan.profiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.profiler.LatencyCurve.Extrapolation;
import dev.scaleplan.profiler.LatencyCurve.Statistic;
import java.util.List;
import org.junit.jupiter.api.Test;

class LatencyCurveTest {
  private static final LatencyCurve A100 = ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH);

  /** Linear between the published points: b = 24 lies halfway between 16 (5.793 ms) and 32 (11.193 ms). */
  @Test
  void interpolatesLinearly() {
    assertEquals((5.793e-3 + 11.193e-3) / 2, A100.seconds(24, Statistic.MEAN), 1e-15);
    assertEquals(2.128e-3 + (2.194e-3 - 2.128e-3) * 0, A100.seconds(1, Statistic.MEAN), 0);
    assertEquals(2.194e-3 + (2.759e-3 - 2.194e-3) / 2, A100.seconds(3, Statistic.MEAN), 1e-15);
  }

  @Test
  void refusesToExtrapolateUnlessAskedAndThenWarns() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> A100.seconds(256, Statistic.MEAN));
    assertTrue(e.getMessage().contains("beyond the measured range 1..128"), e.getMessage());
    LatencyCurve.Answer a = A100.query(256, Statistic.MEAN, Extrapolation.LINEAR);
    assertTrue(a.extrapolated());
    assertTrue(a.warning().contains("extrapolated"), a.warning());
    // The last segment (64: 25.244 ms, 128: 48.086 ms) continued to 256: 48.086 + 128 * (22.842 / 64) ms.
    assertEquals(48.086e-3 + 128 * (48.086e-3 - 25.244e-3) / 64, a.seconds(), 1e-12);
    assertFalse(A100.query(100, Statistic.MEAN, Extrapolation.LINEAR).extrapolated());
  }

  /** A dip in the measurements never makes a larger batch faster: the curve keeps the running maximum. */
  @Test
  void monotoneOverDips() {
    LatencyCurve c = LatencyCurve.of(List.of(
        new LatencyPoint(4, 0.012, 0.013), new LatencyPoint(1, 0.010, 0.011), new LatencyPoint(2, 0.008, 0.009)));
    assertEquals(0.010, c.seconds(1, Statistic.MEAN), 0);
    assertEquals(0.010, c.seconds(2, Statistic.MEAN), 0); // measured 8 ms, held at 10 ms
    assertEquals(0.011, c.seconds(3, Statistic.MEAN), 1e-15);
    assertEquals(0.012, c.seconds(4, Statistic.MEAN), 0);
    assertEquals(3, c.points().size(), "the measurements themselves are kept as measured");
    assertEquals(0.008, c.points().get(1).meanSeconds(), 0);
  }

  @Test
  void belowTheSmallestMeasuredBatchHoldsItsLatency() {
    LatencyCurve c = LatencyCurve.of(List.of(new LatencyPoint(8, 0.004, 0.005), new LatencyPoint(16, 0.006, 0.007)));
    assertEquals(0.004, c.seconds(1, Statistic.MEAN), 0);
    assertThrows(IllegalArgumentException.class, () -> c.seconds(0, Statistic.MEAN));
  }

  /** The queueing models take the curve as l(b) directly. */
  @Test
  void becomesTheQueueingModelsBatchLatency() {
    BatchLatency.Tabulated l = A100.toBatchLatency(Statistic.MEAN);
    assertEquals(128, l.maxBatchSize());
    for (int b = 1; b <= 128; b++) {
      assertEquals(A100.seconds(b, Statistic.MEAN), l.seconds(b), 1e-15, "b = " + b);
    }
  }

  @Test
  void rejectsRepeatedBatchesAndEmptyCurves() {
    assertThrows(IllegalArgumentException.class, () -> LatencyCurve.of(List.of()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LatencyCurve.of(List.of(
        new LatencyPoint(2, 0.01, 0.01), new LatencyPoint(2, 0.02, 0.02))));
    assertTrue(e.getMessage().contains("batch size 2 is measured twice"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> new LatencyPoint(1, -0.01, 0.01));
  }
}
