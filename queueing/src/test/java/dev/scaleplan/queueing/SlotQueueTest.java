package dev.scaleplan.queueing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SlotQueueTest {

  /** With no arrivals the wait is the time to the next slot, uniform on (0, d). */
  @Test
  void idleWaitIsUniformOverTheCycle() {
    SlotQueue q = SlotQueue.of(0, 0.010, 4, 0.002);
    assertEquals(0.3, q.waitCdf(0.003), 1e-15);
    assertEquals(0.012 - 1e-9, q.responsePercentile(99.99999), 1e-8); // 0.010 x 0.9999999 + 0.002
  }

  /** At a tiny rate the exact sum tends to the uniform answer (the limit λ -> 0 of the formula). */
  @Test
  void tinyRateTendsToTheIdleAnswer() {
    SlotQueue q = SlotQueue.of(1e-6, 0.010, 4, 0.002);
    assertEquals(0.3, q.waitCdf(0.003), 1e-6);
    assertEquals(0.99, q.waitCdf(0.0099), 1e-6);
  }

  /** A batch of 1 per cycle: the wait is at most x = d + s iff ... checked against the simulator below. */
  @Test
  void matchesASimulationOfTheSchedule() {
    double[][] cases = {
      // rate, cycle, batch
      {50, 0.010, 1}, {300, 0.010, 4}, {900, 0.020, 20}, {90, 0.050, 5}, {3_000, 0.008, 26},
    };
    for (double[] c : cases) {
      SlotQueue q = SlotQueue.of(c[0], c[1], (int) c[2], c[1] / 2);
      double[] waits = simulate(c[0], c[1], (int) c[2], 1_500_000, 7);
      for (double p : new double[] {0.5, 0.9, 0.99}) {
        double x = waits[(int) (p * waits.length)];
        // Binomial standard error of an empirical CDF at 1,500,000 samples is at most 0.0004; with the
        // correlation of a queue allow 0.006.
        assertEquals(p, q.waitCdf(x), 0.006, "rate " + c[0] + " cycle " + c[1] + " batch " + c[2] + " p " + p);
      }
      double meanSimulated = Arrays.stream(waits).average().orElseThrow();
      assertTrue(meanSimulated > 0);
    }
  }

  @Test
  void unstableAndInvalid() {
    SlotQueue q = SlotQueue.of(500, 0.010, 5, 0.005); // λd = 5 = b
    assertFalse(q.stable());
    assertEquals(0, q.waitCdf(1));
    assertEquals(Double.POSITIVE_INFINITY, q.responsePercentile(99));
    assertThrows(IllegalArgumentException.class, () -> SlotQueue.of(Double.NaN, 0.01, 1, 0.001));
    assertThrows(IllegalArgumentException.class, () -> SlotQueue.of(-1, 0.01, 1, 0.001));
    assertThrows(IllegalArgumentException.class, () -> SlotQueue.of(1, 0.01, 1, 0.02));
    assertThrows(IllegalArgumentException.class, () -> SlotQueue.of(1, 0.01, 0, 0.001));
    assertThrows(IllegalArgumentException.class, () -> q.waitCdf(Double.NaN));
  }

  /** The smallest batch is the first that meets the SLO: the one before it misses it (or is unstable). */
  @Test
  void smallestBatchIsMinimal() {
    BatchLatency latency = BatchLatency.affine(0.002, 0.0002);
    Slo slo = Slo.of(99, 0.050);
    for (double rate : new double[] {1, 50, 200, 600, 1_200}) {
      var b = SlotQueue.smallestBatch(rate, 0.020, latency, slo);
      assertTrue(b.isPresent(), "rate " + rate);
      int found = b.getAsInt();
      assertTrue(SlotQueue.of(rate, 0.020, found, latency.seconds(found)).meets(slo));
      if (found > 1) {
        SlotQueue smaller = SlotQueue.of(rate, 0.020, found - 1, latency.seconds(found - 1));
        assertFalse(smaller.stable() && smaller.meets(slo), "rate " + rate + " batch " + (found - 1));
      }
    }
    assertTrue(SlotQueue.smallestBatch(10, 0.001, latency, slo).isEmpty()); // l(1) = 2.2 ms > cycle
  }

  /** Waits of a simulated schedule: slots at 0, d, 2d, ...; FIFO; b per slot. */
  static double[] simulate(double rate, double cycle, int batch, int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    double[] arrivals = new double[n + n / 10];
    double t = 0;
    for (int i = 0; i < arrivals.length; i++) {
      t += -Math.log(1 - random.nextDouble()) / rate;
      arrivals[i] = t;
    }
    double[] waits = new double[n];
    int next = 0; // first request not yet served
    long slot = 1;
    int recorded = 0;
    int warmup = n / 10;
    while (recorded < n) {
      double start = slot * cycle;
      int served = 0;
      while (served < batch && next < arrivals.length && arrivals[next] <= start) {
        if (next >= warmup && recorded < n) {
          waits[recorded++] = start - arrivals[next];
        }
        next++;
        served++;
      }
      slot++;
    }
    Arrays.sort(waits);
    return waits;
  }
}
