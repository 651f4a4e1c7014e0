package dev.scaleplan.solvers.offload;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SplitPlannerTest {
  @Test
  void nothingResidentLeavesTheOldInstanceAlone() {
    LayerCosts c = LayerCosts.uniform(8, 0.001, 1000, 4, 1e9, 0);
    SplitPlanner.Split s = SplitPlanner.best(c, new int[] {0, 0});
    assertTrue(s.alone());
    assertEquals(0.008, s.bottleneckSeconds(), 1e-15);
    assertEquals(4 / 0.008, s.throughputPerSecond(), 1e-9);
  }

  @Test
  void halfTheLayersResidentHalvesTheBottleneck() {
    // By hand: 8 layers of 1 ms, a new instance holding 4, a transfer of 4 x 1,000 B at 1 GB/s = 4 us: stages of
    // 4 ms each, throughput 4 / 4 ms = 1,000/s, twice the old instance alone.
    LayerCosts c = LayerCosts.uniform(8, 0.001, 1000, 4, 1e9, 0);
    SplitPlanner.Split s = SplitPlanner.best(c, new int[] {4});
    assertEquals(2, s.stages().size());
    assertEquals(0.004, s.bottleneckSeconds(), 1e-15);
    assertEquals(0.008 + 4e-6, s.latencySeconds(), 1e-15);
  }

  @Test
  void aSlowLinkStopsTheSplitting() {
    // Activations of 1 MB per request, batch 4, over 1 GB/s: 4 ms per transfer; with 8 layers of 0.1 ms the whole
    // model takes 0.8 ms, so any split is slower than none.
    LayerCosts c = LayerCosts.uniform(8, 0.0001, 1_000_000, 4, 1e9, 0);
    assertTrue(SplitPlanner.best(c, new int[] {8, 8}).alone());
  }

  @Test
  void equalsBruteForceOnSmallCases() {
    // Independent: every ordered choice of new instances (in any order, not only by prefix) and every cut.
    SplittableRandom rng = new SplittableRandom(3);
    for (int t = 0; t < 2000; t++) {
      int layers = 1 + rng.nextInt(6);
      double[] sec = new double[layers];
      long[] bytes = new long[layers];
      for (int i = 0; i < layers; i++) {
        sec[i] = rng.nextDouble(0.0001, 0.005);
        bytes[i] = rng.nextLong(1, 2_000_000);
      }
      LayerCosts c = new LayerCosts(sec, bytes, 1 + rng.nextInt(8), rng.nextDouble(1e8, 1e11),
          rng.nextDouble(0, 1e-4));
      int k = rng.nextInt(4);
      int[] resident = new int[k];
      for (int p = 0; p < k; p++) {
        resident[p] = rng.nextInt(layers + 1);
      }
      double dp = SplitPlanner.best(c, resident).bottleneckSeconds();
      double brute = brute(c, resident, 0, new boolean[k], 0);
      assertEquals(brute, dp, 1e-12, "case " + t);
      assertTrue(dp <= c.wholeSeconds() + 1e-15, "never worse than the old instance alone");
    }
  }

  /** The least bottleneck covering [start, L) with unused instances, then the old instance. */
  private static double brute(LayerCosts c, int[] resident, int start, boolean[] used, double sofar) {
    int L = c.layers();
    double best = start < L ? Math.max(sofar, Math.max(c.stageSeconds(start, L),
        start > 0 ? c.transferSeconds(start) : 0)) : Double.POSITIVE_INFINITY;
    for (int p = 0; p < resident.length; p++) {
      if (used[p]) {
        continue;
      }
      for (int end = start + 1; end <= Math.min(resident[p], L - 1); end++) {
        used[p] = true;
        double v = Math.max(sofar, Math.max(c.stageSeconds(start, end), start > 0 ? c.transferSeconds(start) : 0));
        best = Math.min(best, brute(c, resident, end, used, v));
        used[p] = false;
      }
    }
    return best;
  }

  @Test
  void tinyTimesSplitAsLargeOnesDo() {
    // Review repro: the same choice at 1e-16 s per layer as at 1 s: a split with bottleneck one layer.
    LayerCosts c = new LayerCosts(new double[] {1e-16, 1e-16}, new long[] {0, 0}, 1, 1, 0);
    assertEquals(1e-16, SplitPlanner.best(c, new int[] {1}).bottleneckSeconds(), 1e-30);
  }
}
