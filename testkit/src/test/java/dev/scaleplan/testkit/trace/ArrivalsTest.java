package dev.scaleplan.testkit.trace;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ArrivalsTest {
  @Test
  void poissonHasItsRateAndExponentialGaps() {
    double[] t = Arrivals.poisson(5, 10_000, 1).times();
    // Count ~ Poisson(50,000): standard deviation 224; allow 5 of them.
    assertEquals(50_000, t.length, 5 * Math.sqrt(50_000));
    // Exponential gaps: CV 1 (standard error about 1/sqrt(n) for the sample CV of exponentials, ~0.005).
    assertEquals(1, cv(t), 0.03);
    assertTrue(t[t.length - 1] < 10_000);
    assertArrayEquals(t, Arrivals.poisson(5, 10_000, 1).times());
    assertFalse(Arrays.equals(t, Arrivals.poisson(5, 10_000, 2).times()));
    assertEquals(0, Arrivals.poisson(0, 100, 1).times().length);
  }

  @Test
  void burstsKeepTheLongRunRateAndRaiseTheDispersion() {
    // Base 2/s for a mean 50 s, bursts of 40/s for a mean 5 s: long-run rate (2 x 50 + 40 x 5) / 55 = 5.4545/s.
    double duration = 200_000;
    double[] t = Arrivals.bursty(2, 40, 50, 5, duration, 3).times();
    assertEquals(300 / 55.0, t.length / duration, 0.15);
    // Index of dispersion of counts in 10 s windows: 1 for Poisson, well above for bursts (the MMPP cookbook gives
    // 1 + 2 (λ1 - λ2)^2 r1 r2 / ((r1 + r2)^2 (r1 λ2 + r2 λ1)) at long windows: 1 + 2 x 1444 x 0.02 x 0.2 /
    // (0.0484 x (0.02 x 40 + 0.2 x 2)) = 200; 10 s windows see part of it).
    assertTrue(dispersion(t, 10, duration) > 20, "" + dispersion(t, 10, duration));
    assertEquals(1, dispersion(Arrivals.poisson(300 / 55.0, duration, 3).times(), 10, duration), 0.1);
  }

  @Test
  void theStationaryStateOfAThreeStateCycle() {
    // 0 -> 1 at 1/s, 1 -> 2 at 2/s, 2 -> 0 at 4/s: in a cycle, time in a state is proportional to its mean stay,
    // 1 : 1/2 : 1/4, so π = (4/7, 2/7, 1/7); with rates (7, 0, 14) the long-run rate is 4 + 0 + 2 = 6/s.
    double[][] q = {{0, 1, 0}, {0, 0, 2}, {4, 0, 0}};
    double[] pi = Arrivals.stationary(q, new double[] {1, 2, 4});
    assertArrayEquals(new double[] {4 / 7.0, 2 / 7.0, 1 / 7.0}, pi, 1e-9);
    double[] t = Arrivals.mmpp(new double[] {7, 0, 14}, q, 50_000, 5).times();
    assertEquals(6, t.length / 50_000.0, 0.1);
  }

  @Test
  void diurnalFollowsItsIntegral() {
    // Rate 10 (1 - 0.8 cos(2 pi t / 1000)); over the first quarter period the expected count is
    // 10 (250 - 0.8 x 1000 / (2 pi)) = 1,226.76 per period, lowest; over the second quarter 10 (250 + 127.32) =
    // 3,773.24. Over 40 periods: 49,070 and 150,930 (Poisson: standard deviations 222 and 389).
    double[] t = Arrivals.diurnal(10, 0.8, 1000, 40_000, 9).times();
    long first = Arrays.stream(t).filter(x -> x % 1000 < 250).count();
    long second = Arrays.stream(t).filter(x -> x % 1000 >= 250 && x % 1000 < 500).count();
    assertEquals(40 * 10 * (250 - 800 / (2 * Math.PI)), first, 5 * 222);
    assertEquals(40 * 10 * (250 + 800 / (2 * Math.PI)), second, 5 * 389);
    assertEquals(400_000, t.length, 5 * Math.sqrt(400_000));
  }

  @Test
  void replayScalesTimeAndKeepsTheRest() {
    List<Arrival> code = ExampleTraces.open("azure-llm-code").toList();
    List<Arrival> fast = Arrivals.replay(ExampleTraces.open("azure-llm-code"), 4).toList();
    assertEquals(code.size(), fast.size());
    for (int i = 0; i < code.size(); i += 97) {
      assertEquals(code.get(i).seconds() / 4, fast.get(i).seconds(), 1e-12);
      assertEquals(code.get(i).inputTokens(), fast.get(i).inputTokens());
    }
  }

  @Test
  void amplifiedKeepsTheDurationAndTheBurstShape() {
    // The code trace at 100 times its rate in 1 s bins: each bin holds 100 times the trace's count (rounding at
    // random adds at most one per bin), the duration stays 3,436 s, and the per-second dispersion stays far above
    // Poisson's (the trace's counts per second have a CV of 2.27 per shared/data/azure_llm_2023/STATS.txt).
    double[] original = ExampleTraces.open("azure-llm-code").times();
    double[] amplified = Arrivals.amplified(ExampleTraces.open("azure-llm-code"), 100, 1, 4).times();
    assertEquals(100.0 * original.length, amplified.length, 3437);
    assertEquals(original[original.length - 1], amplified[amplified.length - 1], 1.0);
    long[] a = new long[3437];
    long[] o = new long[3437];
    for (double t : amplified) {
      a[(int) t]++;
    }
    for (double t : original) {
      o[(int) t]++;
    }
    for (int b = 0; b < a.length; b++) {
      assertTrue(Math.abs(a[b] - 100 * o[b]) <= 1, "bin " + b + ": " + a[b] + " vs 100 x " + o[b]);
    }
    for (int i = 1; i < amplified.length; i++) {
      assertTrue(amplified[i] >= amplified[i - 1]);
    }
    assertMessage("rate factor", () -> Arrivals.amplified(Arrivals.poisson(1, 1, 1), 0, 1, 1));
  }

  @Test
  void badInputNamesTheValue() {
    assertMessage("rate (requests/s)", () -> Arrivals.poisson(-1, 10, 1));
    assertMessage("rate (requests/s)", () -> Arrivals.poisson(Double.NaN, 10, 1));
    assertMessage("duration", () -> Arrivals.poisson(1, 0, 1));
    assertMessage("duration (s) (Infinity)", () -> Arrivals.poisson(1, Double.POSITIVE_INFINITY, 1));
    assertMessage("amplitude (1.5)", () -> Arrivals.diurnal(1, 1.5, 10, 10, 1));
    assertMessage("period", () -> Arrivals.diurnal(1, 0.5, 0, 10, 1));
    assertMessage("mean time in a burst", () -> Arrivals.bursty(1, 2, 1, 0, 10, 1));
    assertMessage("switching rate 0 -> 1", () -> Arrivals.mmpp(new double[] {1, 2},
        new double[][] {{0, -1}, {1, 0}}, 10, 1));
    assertMessage("2 x 2 switching", () -> Arrivals.mmpp(new double[] {1, 2}, new double[][] {{0}}, 10, 1));
    assertMessage("rate scale", () -> Arrivals.replay(Arrivals.poisson(1, 1, 1), 0));
  }

  private static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  static double cv(double[] t) {
    int n = t.length - 1;
    double sum = 0;
    double sq = 0;
    for (int i = 1; i < t.length; i++) {
      double d = t[i] - t[i - 1];
      sum += d;
      sq += d * d;
    }
    double mean = sum / n;
    return Math.sqrt(sq / n - mean * mean) / mean;
  }

  /** Variance over mean of the counts in windows of {@code width} seconds. */
  static double dispersion(double[] t, double width, double duration) {
    int bins = (int) (duration / width);
    double[] counts = new double[bins];
    for (double x : t) {
      counts[Math.min(bins - 1, (int) (x / width))]++;
    }
    double mean = Arrays.stream(counts).average().orElseThrow();
    double var = Arrays.stream(counts).map(c -> (c - mean) * (c - mean)).sum() / bins;
    return var / mean;
  }
}
