package dev.scaleplan.profiler.fit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitsTest {

  /** Exactly affine data: the fit returns its coefficients, R² = 1, residual 0. */
  @Test
  void affineRecoversExactCoefficients() {
    LatencyCurve c = LatencyCurve.of(List.of(new LatencyPoint(1, 0.0025, 0.003), new LatencyPoint(4, 0.004, 0.005),
        new LatencyPoint(16, 0.010, 0.011), new LatencyPoint(64, 0.034, 0.04))); // 2 ms + 0.5 ms * b
    BatchFits.Affine f = BatchFits.affine(c);
    assertEquals(0.002, f.fixedSeconds(), 1e-15);
    assertEquals(0.0005, f.perItemSeconds(), 1e-15);
    assertEquals(1, f.quality().rSquared(), 1e-12);
    assertEquals(0, f.quality().maxRelativeResidual(), 1e-12);
    assertEquals(0.002 + 0.0005 * 8, f.toBatchLatency().seconds(8), 1e-15);
  }

  /** Data that would give a negative intercept: the fit stays non-negative (here: through the origin). */
  @Test
  void affineStaysNonNegative() {
    LatencyCurve c = LatencyCurve.of(List.of(new LatencyPoint(1, 0.001, 0.001), new LatencyPoint(2, 0.003, 0.003),
        new LatencyPoint(3, 0.005, 0.005))); // OLS: -1 ms + 2 ms * b
    BatchFits.Affine f = BatchFits.affine(c);
    assertTrue(f.fixedSeconds() >= 0 && f.perItemSeconds() >= 0, f.toString());
    assertEquals(0, f.fixedSeconds(), 0);
    assertEquals(0.022 / 14, f.perItemSeconds(), 1e-15); // Σxy / Σx² = (1 + 6 + 15) ms / 14
  }

  /** Pool adjacent violators on (10, 8, 12) ms pools the first two: (9, 9, 12) ms. */
  @Test
  void monotonePoolsViolators() {
    LatencyCurve c = LatencyCurve.of(List.of(new LatencyPoint(1, 0.010, 0.01), new LatencyPoint(2, 0.008, 0.01),
        new LatencyPoint(4, 0.012, 0.012)));
    BatchFits.Monotone f = BatchFits.monotone(c);
    assertArrayEquals(new double[] {0.009, 0.009, 0.012}, f.seconds(), 1e-15);
    assertEquals(0.001 / 0.008, f.quality().maxRelativeResidual(), 1e-12);
    LatencyCurve monotoneData = ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH);
    assertEquals(0, BatchFits.monotone(monotoneData).quality().maxRelativeResidual(), 0, "already monotone");
  }

  /** The published ResNet-50 A100 curve is far from affine at small batches: the fit says so. */
  @Test
  void affineOnThePublishedResNetCurve() {
    BatchFits.Affine f = BatchFits.affine(ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH));
    assertTrue(f.quality().rSquared() > 0.99, f.toString());
    assertTrue(f.quality().maxRelativeResidual() > 0.1, "small batches are launch-bound: " + f);
  }

  /** Exact Amdahl data (2 ms + 40 ms / p + 1 ms * log2 p) at p = 1, 2, 4, 8: the fit returns it. */
  @Test
  void parallelFitRecoversExactCoefficients() {
    double[] p = {1, 2, 4, 8};
    double[] y = new double[4];
    for (int i = 0; i < 4; i++) {
      y[i] = 0.002 + 0.040 / p[i] + 0.001 * Math.log(p[i]) / Math.log(2);
    }
    ParallelFit f = ParallelFit.fit(p, y);
    assertEquals(0.002, f.serialSeconds(), 1e-12);
    assertEquals(0.040, f.parallelSeconds(), 1e-12);
    assertEquals(0.001, f.communicationSeconds(), 1e-12);
    assertEquals(1, f.quality().rSquared(), 1e-12);
    ParallelFit three = ParallelFit.fit(new double[] {1, 2, 8}, new double[] {y[0], y[1], y[3]});
    assertEquals(0.001, three.communicationSeconds(), 1e-12);
    assertThrows(IllegalArgumentException.class, () -> ParallelFit.fit(new double[] {1}, new double[] {1}));
  }

  /**
   * On a profile with four degrees (the ResNet example has one, so build one from the Vidur summary of Llama-2-70B on
   * H100 at 4,096 tokens: TP 1, 2, 4, 8 = 10.86, 5.50, 2.77, 1.54 ms per layer, shared/data/profiles.md 2b), the fit
   * explains the data (R² above 0.999, largest residual under 5%).
   */
  @Test
  void parallelFitOnMeasuredScaling() {
    LatencyProfile.Builder b = LatencyProfile.builder("llama-2-70b-layer");
    double[] ms = {10.86, 5.50, 2.77, 1.54};
    for (int i = 0; i < 4; i++) {
      b.add("H100", 1 << i, Phase.BATCH, 4096, ms[i] / 1000, ms[i] / 1000);
    }
    ParallelFit f = ParallelFit.of(b.build(), "h100", Phase.BATCH, 4096);
    assertTrue(f.quality().rSquared() > 0.999, f.toString());
    assertTrue(f.quality().maxRelativeResidual() < 0.05, f.toString());
    assertTrue(f.parallelSeconds() > 0.009, "most of the work parallelises: " + f);
    assertThrows(IllegalArgumentException.class, () -> ParallelFit.of(ExampleProfiles.resnet50(), "T4",
        Phase.BATCH, 1));
  }
}
