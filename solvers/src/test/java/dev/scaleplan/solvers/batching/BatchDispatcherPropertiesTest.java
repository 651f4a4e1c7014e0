package dev.scaleplan.solvers.batching;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.scaleplan.api.BatchLatency;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random scenarios (latency curves, max batches, GPU counts, arrival patterns, one or mixed SLOs, prompt or
 * late polling) driven through the dispatcher's public calls by a loop of this test's own, checking at every launch:
 *
 * <ul>
 *   <li>(b) a batch starts only on a GPU free at that time, and for the deferred rules never after D - l(b);
 *   <li>(a) a deferred batch never misses its earliest deadline (so never one it could have met by starting at the
 *       decision time), and with prompt polling and one SLO every request the deferred rule held back while a GPU
 *       was free, as the head of the queue, is later served in time;
 *   <li>every request is accounted for: served in time, late (work-conserving only), or dropped.
 * </ul>
 *
 * The root seed is settable with {@code -Dscaleplan.seed}; each failure prints the case's seed.
 */
class BatchDispatcherPropertiesTest {
  private static final long SEED = Long.getLong("scaleplan.seed", 20260307L);
  private static final int CASES = 3000;

  @Test
  void launchesRespectFreeGpusAndDeadlines() {
    SplittableRandom root = new SplittableRandom(SEED);
    int promisesChecked = 0;
    int lateBatchesSeen = 0;
    int earlyDropsSeen = 0;
    for (int n = 0; n < CASES; n++) {
      long seed = root.nextLong();
      Scenario s = Scenario.random(new SplittableRandom(seed));
      String where = "seed " + seed + " (root " + SEED + ", case " + n + "): " + s;
      for (BatchDispatcher.Rule rule : BatchDispatcher.Rule.values()) {
        Outcome o = drive(s, rule, where + " " + rule);
        promisesChecked += o.promises;
        lateBatchesSeen += o.lateBatches;
        earlyDropsSeen += o.earlyDropped;
      }
    }
    // The generator must exercise the interesting paths.
    assertTrue(promisesChecked > 1000, "too few deferrals checked: " + promisesChecked);
    assertTrue(lateBatchesSeen > 0, "the work-conserving rule never missed a deadline; load too light");
    assertTrue(earlyDropsSeen > 0, "the early-drop rule never dropped early");
  }

  record Scenario(double[] arrivals, double[] deadlines, BatchLatency latency, int maxBatch, int gpus,
      boolean mixedSlo, boolean latePolls, long pollSeed) {
    static Scenario random(SplittableRandom r) {
      int maxBatch = 1 + r.nextInt(16);
      BatchLatency latency;
      if (r.nextBoolean()) {
        latency = BatchLatency.affine(0.5 + r.nextDouble() * 2, r.nextDouble() * 0.5);
      } else {
        int[] sizes = new int[maxBatch];
        double[] seconds = new double[maxBatch];
        double l = 0.5 + r.nextDouble();
        for (int b = 1; b <= maxBatch; b++) {
          sizes[b - 1] = b;
          l += r.nextInt(4) == 0 ? 0 : r.nextDouble() * 0.6;
          seconds[b - 1] = l;
        }
        latency = BatchLatency.tabulated(sizes, seconds);
      }
      int gpus = 1 + r.nextInt(3);
      int count = 10 + r.nextInt(120);
      double l1 = latency.seconds(1);
      double lMax = latency.seconds(maxBatch);
      // Load from light to several times the capacity of max batches.
      double rate = gpus * maxBatch / lMax * (0.2 + r.nextDouble() * 2.5);
      boolean mixedSlo = r.nextInt(4) == 0;
      double slo = l1 * (1 + r.nextDouble() * 6);
      boolean bursts = r.nextInt(3) == 0;
      double[] arrivals = new double[count];
      double[] deadlines = new double[count];
      double t = 0;
      for (int i = 0; i < count; i++) {
        if (!(bursts && i > 0 && r.nextInt(3) == 0)) {
          t += -Math.log(1 - r.nextDouble()) / rate;
        }
        arrivals[i] = t;
        deadlines[i] = t + (mixedSlo ? l1 * (0.8 + r.nextDouble() * 6) : slo);
      }
      return new Scenario(arrivals, deadlines, latency, maxBatch, gpus, mixedSlo, r.nextInt(4) == 0, r.nextLong());
    }

    @Override
    public String toString() {
      return "Scenario{latency=" + latency + ", maxBatch=" + maxBatch + ", gpus=" + gpus + ", mixedSlo=" + mixedSlo + ", latePolls="
          + latePolls + ", arrivals=" + Arrays.toString(arrivals) + ", deadlines=" + Arrays.toString(deadlines) + "}";
    }
  }

  record Outcome(int promises, int lateBatches, int earlyDropped) {}

  /** An event loop independent of {@link DispatchComparison}, checking every launch. */
  static Outcome drive(Scenario s, BatchDispatcher.Rule rule, String where) {
    BatchDispatcher d = BatchDispatcher.of(rule, s.latency, s.maxBatch, s.gpus, 2);
    SplittableRandom polls = new SplittableRandom(s.pollSeed);
    double[] freeAt = new double[s.gpus]; // when each GPU is free; +inf while busy with an unknown end
    double[] busyUntil = new double[s.gpus];
    Arrays.fill(busyUntil, Double.POSITIVE_INFINITY);
    double[] out = new double[s.maxBatch];
    boolean deferredRule = rule != BatchDispatcher.Rule.WORK_CONSERVING;
    // With one SLO, deadlines are in arrival order, so no later arrival can take the head's place; with mixed SLOs it
    // can, and the held-back request may rightly lose to an earlier deadline.
    boolean checkPromises = rule == BatchDispatcher.Rule.DEFERRED && !s.latePolls && !s.mixedSlo;
    Set<Double> promised = new HashSet<>();
    Set<Double> servedInTime = new HashSet<>();
    long within = 0;
    long late = 0;
    int lateBatches = 0;
    int next = 0;
    int n = s.arrivals.length;
    int guard = 0;
    while (true) {
      if (++guard > 100_000) {
        fail("no progress: " + d + " " + where);
      }
      double arrival = next < n ? s.arrivals[next] : Double.POSITIVE_INFINITY;
      double done = Arrays.stream(busyUntil).min().orElseThrow();
      double start = d.nextStartSeconds();
      if (s.latePolls && start != Double.POSITIVE_INFINITY && polls.nextInt(3) == 0) {
        start += polls.nextDouble() * s.latency.seconds(1);
      }
      double t = Math.min(arrival, Math.min(done, start));
      if (t == Double.POSITIVE_INFINITY) {
        break;
      }
      for (int g = 0; g < s.gpus; g++) {
        if (busyUntil[g] == t) {
          busyUntil[g] = Double.POSITIVE_INFINITY;
          freeAt[g] = t;
          d.onGpuFree(t);
        }
      }
      while (next < n && s.arrivals[next] == t) {
        d.onArrival(t, s.deadlines[next]);
        next++;
      }
      int b;
      while ((b = d.poll(t, out)) > 0) {
        assertTrue(b <= s.maxBatch, "batch " + b + " above the max " + where);
        int g = 0;
        while (g < s.gpus && !(busyUntil[g] == Double.POSITIVE_INFINITY && freeAt[g] <= t)) {
          g++;
        }
        assertTrue(g < s.gpus, "(b) launched at " + t + " with no GPU free " + where);
        double l = s.latency.seconds(b);
        busyUntil[g] = t + l;
        freeAt[g] = Double.POSITIVE_INFINITY;
        double earliest = out[0];
        for (int k = 1; k < b; k++) {
          assertTrue(out[k - 1] <= out[k], "batch not in deadline order: " + Arrays.toString(out) + " " + where);
        }
        if (deferredRule) {
          assertTrue(t <= earliest - l, "(b) start " + t + " after D - l(b) = " + earliest + " - " + l + " "
              + where);
        }
        boolean missed = false;
        for (int k = 0; k < b; k++) {
          if (t <= out[k] - l) {
            within++;
            servedInTime.add(out[k]);
          } else {
            late++;
            missed = true;
          }
        }
        if (missed) {
          lateBatches++;
          // (a) only the work-conserving rule may miss, and it starts at its decision time by definition.
          assertTrue(!deferredRule, "(a) deferred batch missed a deadline at " + t + " " + where);
        }
      }
      if (checkPromises && d.freeGpus() > 0 && d.queued() > 0) {
        promised.add(d.earliestDeadline()); // it chose to wait with a GPU free: the head must be served in time
      }
    }
    assertEquals(n, within + late + d.dropped(), "requests lost " + d + " " + where);
    assertEquals(0, d.queued(), where);
    List<Double> broken = new ArrayList<>();
    for (double p : promised) {
      if (!servedInTime.contains(p)) {
        broken.add(p);
      }
    }
    assertTrue(broken.isEmpty(), "(a) held back while a GPU was free, then not served in time: " + broken + " "
        + where);
    return new Outcome(checkPromises ? promised.size() : 0, lateBatches, (int) d.earlyDropped());
  }
}
