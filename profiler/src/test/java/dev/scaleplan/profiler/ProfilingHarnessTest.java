package dev.scaleplan.profiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Executor;
import dev.scaleplan.profiler.LatencyCurve.Statistic;
import dev.scaleplan.profiler.fit.BatchFits;
import org.junit.jupiter.api.Test;

class ProfilingHarnessTest {

  /**
   * A deterministic fake GPU: batch b on p GPUs takes (2 ms + 0.5 ms * b) / p, times 1 + k/100 on its k-th run of
   * each point (k = 0..99), and 1 s on any run before the warm-up is done, so a harness that measured warm-up runs
   * would be caught.
   */
  static class FakeGpu implements Executor {
    int calls;
    final int warmup;
    int pointRuns;
    int lastB = -1;
    int lastP = -1;

    FakeGpu(int warmup) {
      this.warmup = warmup;
    }

    @Override
    public String gpuType() {
      return "FAKE-1";
    }

    @Override
    public int maxParallelDegree() {
      return 8;
    }

    @Override
    public double runBatch(int b, int p) {
      calls++;
      if (b != lastB || p != lastP) {
        lastB = b;
        lastP = p;
        pointRuns = 0;
      }
      int k = pointRuns++;
      if (k < warmup) {
        return 1.0;
      }
      return (0.002 + 0.0005 * b) / p * (1 + (k - warmup) / 100.0);
    }
  }

  @Test
  void measuresMeanAndP99AfterWarmUp() {
    FakeGpu gpu = new FakeGpu(5);
    ProfilingHarness.Plan plan =
        new ProfilingHarness.Plan("fake", Phase.BATCH, new int[] {8, 1, 4}, new int[] {1, 2}, 5, 100);
    LatencyProfile p = ProfilingHarness.measure(gpu, plan);
    assertEquals(2 * 3 * 105, gpu.calls);
    LatencyCurve one = p.require("FAKE-1", 1, Phase.BATCH);
    // mean of (1 + k/100) over k = 0..99 is 1.495; p99 (nearest rank: the 99th of 100) is 1.98
    double base = 0.002 + 0.0005 * 4;
    assertEquals(base * 1.495, one.seconds(4, Statistic.MEAN), 1e-12);
    assertEquals(base * 1.98, one.seconds(4, Statistic.P99), base * 1.98 * 1e-3); // HdrHistogram: 3 digits
    assertEquals(base * 1.495 / 2, p.require("FAKE-1", 2, Phase.BATCH).seconds(4, Statistic.MEAN), 1e-12);
    // the measured means are exactly affine in b: the fit recovers 2 ms * 1.495 and 0.5 ms * 1.495
    BatchFits.Affine f = BatchFits.affine(one);
    assertEquals(0.002 * 1.495, f.fixedSeconds(), 1e-12);
    assertEquals(0.0005 * 1.495, f.perItemSeconds(), 1e-12);
    assertTrue(p.source().contains("5 warm-up and 100 measured runs"), p.source());
  }

  @Test
  void rejectsBadPlansAndBadMeasurements() {
    assertThrows(IllegalArgumentException.class,
        () -> new ProfilingHarness.Plan("m", Phase.BATCH, new int[] {1, 1}, new int[] {1}, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ProfilingHarness.Plan("m", Phase.BATCH, new int[] {0}, new int[] {1}, 0, 1));
    assertThrows(IllegalArgumentException.class,
        () -> new ProfilingHarness.Plan("m", Phase.BATCH, new int[] {1}, new int[] {1}, 0, 0));
    ProfilingHarness.Plan tooWide = new ProfilingHarness.Plan("m", Phase.BATCH, new int[] {1}, new int[] {16}, 0, 1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ProfilingHarness.measure(new FakeGpu(0), tooWide));
    assertTrue(e.getMessage().contains("(16) is above the executor's maximum (8)"), e.getMessage());
    Executor broken = new FakeGpu(0) {
      @Override
      public double runBatch(int b, int p) {
        return Double.NaN;
      }
    };
    assertThrows(IllegalStateException.class, () -> ProfilingHarness.measure(broken,
        new ProfilingHarness.Plan("m", Phase.BATCH, new int[] {1}, new int[] {1}, 0, 3)));
  }
}
