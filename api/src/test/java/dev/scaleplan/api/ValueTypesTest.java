package dev.scaleplan.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ValueTypesTest {

  @Test
  void sloValidatesAndConverts() {
    Slo slo = Slo.of(99, 0.05);
    assertEquals(0.99, slo.quantile(), 1e-15);
    assertEquals("p99 <= 0.05 s", slo.toString());
    assertMessage(() -> Slo.of(100, 1), "(100.0)", "between 0 and 100");
    assertMessage(() -> Slo.of(0, 1), "(0.0)", "between 0 and 100");
    assertMessage(() -> Slo.of(99, Double.NaN), "(NaN)", "above 0");
    assertMessage(() -> Slo.of(99, Double.POSITIVE_INFINITY), "(Infinity)", "finite");
  }

  @Test
  void poissonWorkloadRejectsNegativeAndNaNRates() {
    assertEquals(3.5, Workload.poisson(3.5).meanRatePerSecond());
    assertEquals(0, Workload.poisson(0).meanRatePerSecond());
    assertMessage(() -> Workload.poisson(-1), "(-1.0)", "at least 0");
    assertMessage(() -> Workload.poisson(Double.NaN), "(NaN)", "at least 0");
  }

  @Test
  void affineLatency() {
    BatchLatency l = BatchLatency.affine(0.002, 0.0005);
    assertEquals(0.002 + 8 * 0.0005, l.seconds(8), 1e-15);
    assertEquals(Integer.MAX_VALUE, l.maxBatchSize());
    assertMessage(() -> BatchLatency.affine(0, 0), "must be above 0", "--batch-fixed");
    assertMessage(() -> BatchLatency.affine(-1, 0.1), "(-1.0)", "at least 0");
    assertMessage(() -> l.seconds(0), "batch size (0)", "at least 1");
  }

  /** Linear between measured points, the smallest measurement below them, an error beyond them. */
  @Test
  void tabulatedLatencyInterpolatesAndRefusesToExtrapolate() {
    BatchLatency.Tabulated l = BatchLatency.tabulated(new int[] {2, 4, 8}, new double[] {0.010, 0.014, 0.030});
    assertEquals(0.010, l.seconds(1), 0); // below the range: the smallest measured latency
    assertEquals(0.010, l.seconds(2), 0);
    assertEquals(0.012, l.seconds(3), 1e-15);
    assertEquals(0.022, l.seconds(6), 1e-15);
    assertEquals(0.030, l.seconds(8), 0);
    assertEquals(8, l.maxBatchSize());
    assertMessage(() -> l.seconds(9), "batch size (9)", "beyond the measured range 2..8");
    assertMessage(() -> BatchLatency.tabulated(new int[] {1, 1}, new double[] {1, 2}), "strictly increasing", "1");
    assertMessage(() -> BatchLatency.tabulated(new int[] {1}, new double[] {-1}), "(-1.0)", "above 0");
    assertMessage(() -> BatchLatency.tabulated(new int[0], new double[0]), "at least one", "point");
    assertMessage(() -> BatchLatency.tabulated(new int[] {1, 2}, new double[] {1}), "same length", "2 values");
  }

  @Test
  void tabulatedLatencyIsAValue() {
    int[] b = {1, 2};
    double[] s = {1, 2};
    BatchLatency.Tabulated l = BatchLatency.tabulated(b, s);
    b[0] = 7; // defensive copies: changing the caller's arrays changes nothing
    s[0] = 7;
    assertEquals(1, l.seconds(1), 0);
    assertEquals(l, BatchLatency.tabulated(new int[] {1, 2}, new double[] {1, 2}));
    assertEquals(l.hashCode(), BatchLatency.tabulated(new int[] {1, 2}, new double[] {1, 2}).hashCode());
    assertNotEquals(l, BatchLatency.tabulated(new int[] {1, 2}, new double[] {1, 3}));
  }

  @Test
  void instanceConfig() {
    InstanceConfig c = InstanceConfig.of(2, 8, BatchLatency.affine(0.002, 0.0005));
    // saturation: every server busy with full batches, c B / l(B) = 2 * 8 / 0.006
    assertEquals(2 * 8 / 0.006, c.saturationRatePerSecond(), 1e-9);
    assertSame(DispatchRule.workConserving(), c.dispatch());
    assertSame(DispatchRule.workConserving(), DispatchRule.maxQueueDelay(0));
    assertEquals(0.002, ((DispatchRule.MaxQueueDelay) DispatchRule.maxQueueDelay(0.002)).seconds());
    BatchLatency.Tabulated table = BatchLatency.tabulated(new int[] {1, 16}, new double[] {0.001, 0.004});
    assertMessage(() -> InstanceConfig.of(1, 32, table), "maxBatch (32)", "range 1..16");
    assertMessage(() -> InstanceConfig.of(0, 1, table), "servers (0)", "at least 1");
    assertMessage(() -> InstanceConfig.of(1, 0, table), "maxBatch (0)", "at least 1");
    assertMessage(() -> DispatchRule.maxQueueDelay(-0.001), "(-0.001)", "at least 0");
  }

  private static void assertMessage(Runnable r, String... parts) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "'" + e.getMessage() + "' should contain '" + p + "'");
    }
  }
}
