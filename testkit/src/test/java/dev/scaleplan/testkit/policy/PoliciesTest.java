package dev.scaleplan.testkit.policy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.testkit.sim.ClusterSimulator;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.control.Observation;
import dev.scaleplan.testkit.sim.SimResult;
import dev.scaleplan.testkit.trace.Arrivals;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class PoliciesTest {
  static final BatchLatency RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  static final InstanceSpec A100 = InstanceSpec.of("A100", RESNET50, 32);
  static final List<InstanceSpec> CATALOG = List.of(A100);

  /** An observation at {@code now} with {@code ready} instances and {@code ongoing} requests in the system. */
  static Observation obs(double now, int ready, long ongoing, long arrivals) {
    return new Observation(now, 1, arrivals, arrivals, 0, -1, -1, ongoing, 0, new int[] {ready}, new int[] {0},
        CATALOG, 0.025);
  }

  @Test
  void hpaFollowsTheRatioRuleWithToleranceAndStabilisation() {
    KubernetesHpa hpa = new KubernetesHpa(2, 1, 100);
    // First sync at 15 s: 3 replicas with 4 ongoing each (12 in all): ceil(3 x 4 / 2) = 6, within the scale-up
    // limit max(2 x 3, 3 + 4) = 7.
    for (int t = 1; t < 15; t++) {
      assertEquals(3, hpa.decide(obs(t, 3, 12, 0))[0]);
    }
    assertEquals(6, hpa.decide(obs(15, 3, 12, 0))[0]);
    // Metric 2.1 per replica: ratio 1.05, within the 0.1 tolerance: no change.
    for (int t = 16; t <= 30; t++) {
      assertEquals(6, hpa.decide(obs(t, 6, 13, 0))[0]);  // 13 / 6 = 2.17: ratio 1.083
    }
    // Load falls to 1 per replica (recommendation 3 from the sync at 45 s), but the 300 s stabilisation window holds
    // the highest recommendation (6, from the syncs at 15 s and 30 s) until both have left it: at the sync of 345 s.
    for (int t = 31; t <= 344; t++) {
      assertEquals(6, hpa.decide(obs(t, 6, 6, 0))[0], "t = " + t);
    }
    int after = 6;
    for (int t = 315; t <= 400; t++) {
      after = hpa.decide(obs(t, 6, 6, 0))[0];
    }
    assertEquals(3, after);
  }

  @Test
  void kpaPanicsOnABurstAndWillNotScaleDownWhilePanicking() {
    // Target 10 x 70% = 7 per pod. 14 ongoing for a minute: 2 pods.
    KnativeKpa kpa = new KnativeKpa(10, 100);
    int pods = 0;
    for (int t = 1; t <= 60; t++) {
      pods = kpa.decide(obs(t, 2, 14, 14))[0];
    }
    assertEquals(2, pods);
    // A burst: 70 ongoing for 2 s. Panic window (6 s): (14 x 4 + 70 x 2) / 6 = 32.7 -> 5 pods >= 2 x 2 ready: panic.
    kpa.decide(obs(61, 2, 70, 70));
    pods = kpa.decide(obs(62, 2, 70, 70))[0];
    assertEquals(5, pods);
    // Back to nothing: no scale-down for a stable window after the last panic (until 122 s).
    for (int t = 63; t < 122; t++) {
      assertEquals(5, kpa.decide(obs(t, 5, 0, 0))[0], "t = " + t);
    }
    // Then at most halving per decision (floor(5 / 2) = 2, then 1), and to zero once a stable window saw no traffic.
    assertEquals(2, kpa.decide(obs(122, 5, 0, 0))[0]);
    assertEquals(1, kpa.decide(obs(123, 2, 0, 0))[0]);
    assertEquals(0, kpa.decide(obs(124, 1, 0, 0))[0]);
  }

  @Test
  void rayServeWaitsItsUpscaleDelay() {
    // One replica with 8 ongoing, target 2: raw decision 4 at every 10 s decision from 10 s; applied when the
    // upscale decision has held 30 s: at 40 s.
    RayServe ray = new RayServe(1, 10);
    for (int t = 1; t < 40; t++) {
      assertEquals(1, ray.decide(obs(t, 1, 8, 8))[0], "t = " + t);
    }
    assertEquals(4, ray.decide(obs(40, 1, 8, 8))[0]);
  }

  @Test
  void capacityPolicyAsksForRateOverCapacity() {
    CapacityPolicy p = new CapacityPolicy(A100, Slo.of(99, 0.025), 100);
    double c = p.capacityPerInstance();
    // ResNet-50 on an A100 with batches up to 32 under p99 <= 25 ms serves about 2,700/s (below 32 / l(32) = 2,859/s).
    assertTrue(c > 2000 && c < 2859, "" + c);
    // 10,000 arrivals in a 1 s period: ceil(10,000 / C) instances at once.
    assertEquals((int) Math.ceil(10_000 / c), p.decide(obs(1, 1, 0, 10_000))[0]);
  }

  @Test
  void onABurstyTraceTheCapacityPolicyKeepsTheSloThatAFixedInstanceLoses() {
    // MMPP: 500/s, bursts of 6,000/s for 5 s in every 60 s or so; loading takes 2 s.
    Slo slo = Slo.of(99, 0.1);
    ClusterSimulator.Options options = new ClusterSimulator.Options(slo, 60, 1, 10, new double[] {2}, 7);
    SimResult fixed = ClusterSimulator.run(CATALOG, new int[] {1},
        Arrivals.bursty(500, 6000, 55, 5, 1200, 3), AutoscalingPolicy.fixed(), options);
    SimResult ours = ClusterSimulator.run(CATALOG, new int[] {1},
        Arrivals.bursty(500, 6000, 55, 5, 1200, 3), new CapacityPolicy(A100, slo, 20), options);
    List<SimResult> baselines = List.of(
        ClusterSimulator.run(CATALOG, new int[] {1}, Arrivals.bursty(500, 6000, 55, 5, 1200, 3),
            new KubernetesHpa(32, 1, 20), options),
        ClusterSimulator.run(CATALOG, new int[] {1}, Arrivals.bursty(500, 6000, 55, 5, 1200, 3),
            new KnativeKpa(32, 20), options),
        ClusterSimulator.run(CATALOG, new int[] {1}, Arrivals.bursty(500, 6000, 55, 5, 1200, 3),
            new RayServe(32, 1, 20, 10, 30, 30, 600, 1), options));
    assertEquals(fixed.requests(), ours.requests());
    for (SimResult r : baselines) {
      assertEquals(ours.requests(), r.served() + r.dropped(), r.policy());
      System.out.printf("%s: attainment %.4f, p99 %.3f s, GPU-s %.0f%n", r.policy(), r.attainment(),
          r.percentileSeconds(99), r.gpuSeconds());
    }
    System.out.printf("fixed: %.4f, ours: %.4f (GPU-s %.0f vs %.0f)%n", fixed.attainment(), ours.attainment(),
        fixed.gpuSeconds(), ours.gpuSeconds());
    assertTrue(fixed.attainment() < 0.9, "one A100 cannot take 6,000/s bursts: " + fixed.attainment());
    assertTrue(ours.attainment() > fixed.attainment() + 0.05, ours.attainment() + " vs " + fixed.attainment());
  }

  static final List<InstanceSpec> SIZES = List.of(A100, A100.withServers(2), A100.withServers(4));

  static Observation sized(double now, int[] ready, int[] loading, long arrivals) {
    return new Observation(now, 1, arrivals, arrivals, 0, -1, -1, 0, 0, ready, loading, SIZES, 0.1);
  }

  @Test
  void twoStageGrowsInPlaceWhileNewInstancesLoad() {
    TwoStagePolicy p = new TwoStagePolicy(TwoStagePolicy.Mode.TWO_STAGE, SIZES, Slo.of(99, 0.1), 100);
    double[] c = p.capacities();
    // Pooling: two servers sharing a queue serve at least twice one (Erlang's economy of scale); four, twice two.
    assertTrue(c[1] >= 2 * c[0] && c[2] >= 2 * c[1], java.util.Arrays.toString(c));
    // One serving instance, demand 2.5 times its capacity: 3 instances wanted (2 new, loading as the smallest kind),
    // and the serving one grown until it covers the demand alone: 1 -> 2 servers (c1 < 2.5 c0) -> 4 servers.
    long demand = (long) Math.ceil(2.5 * c[0]);
    assertArrayEquals(new int[] {2, 0, 1}, p.decide(sized(1, new int[] {1, 0, 0}, new int[] {0, 0, 0}, demand)));
    // The new ones serve: three of the smallest kind cover 2.5 c0, so the grown one shrinks back.
    assertArrayEquals(new int[] {3, 0, 0}, p.decide(sized(12, new int[] {2, 0, 1}, new int[] {0, 0, 0}, demand)));
    TwoStagePolicy h = new TwoStagePolicy(TwoStagePolicy.Mode.HORIZONTAL_ONLY, SIZES, Slo.of(99, 0.1), 100);
    assertArrayEquals(new int[] {3, 0, 0}, h.decide(sized(1, new int[] {1, 0, 0}, new int[] {0, 0, 0}, demand)));
    TwoStagePolicy v = new TwoStagePolicy(TwoStagePolicy.Mode.VERTICAL_ONLY, SIZES, Slo.of(99, 0.1), 100);
    assertArrayEquals(new int[] {0, 0, 1}, v.decide(sized(1, new int[] {1, 0, 0}, new int[] {0, 0, 0}, demand)));
  }

  @Test
  void onASurgeTwoStageMissesLessThanEitherStageAlone() {
    // 1,000/s, then 15,000/s from 60 s to 180 s, then 1,000/s again (an MMPP with fixed sojourns is not available,
    // so a diurnal-free step: two Poisson segments glued by a three-state chain with deterministic-enough stays).
    // One instance to start; new instances load in 10 s, in-place growth takes 0.5 s; four servers at most per
    // instance (about 4 x 2,800/s < 15,000/s, so vertical scaling alone cannot cover the surge).
    Slo slo = Slo.of(99, 0.1);
    ClusterSimulator.Options options = new ClusterSimulator.Options(slo, 0, 1, 10, new double[] {10, 10, 10},
        new double[] {0.5, 0.5, 0.5}, 3);
    double[] violations = new double[3];
    TwoStagePolicy.Mode[] modes = TwoStagePolicy.Mode.values();
    for (int m = 0; m < modes.length; m++) {
      SimResult r = ClusterSimulator.run(SIZES, new int[] {1, 0, 0}, surge(), new TwoStagePolicy(modes[m], SIZES, slo,
          100), options);
      violations[m] = r.violations();
      System.out.printf("%s: attainment %.4f, violations %d, p99 %.3f s, GPU-s %.0f%n", r.policy(),
          r.attainment(), r.violations(), r.percentileSeconds(99), r.gpuSeconds());
    }
    assertTrue(violations[0] < violations[1] && violations[0] < violations[2], Arrays.toString(violations));
  }

  /** 1,000/s for 60 s, 15,000/s for 120 s, 1,000/s for 120 s, as one stream. */
  static dev.scaleplan.testkit.trace.ArrivalStream surge() {
    double[] a = Arrivals.poisson(1000, 60, 1).times();
    double[] b = Arrivals.poisson(15_000, 120, 2).times();
    double[] c = Arrivals.poisson(1000, 120, 3).times();
    double[] all = new double[a.length + b.length + c.length];
    System.arraycopy(a, 0, all, 0, a.length);
    for (int i = 0; i < b.length; i++) {
      all[a.length + i] = 60 + b[i];
    }
    for (int i = 0; i < c.length; i++) {
      all[a.length + b.length + i] = 180 + c[i];
    }
    return new dev.scaleplan.testkit.trace.ArrivalStream() {
      int at = -1;

      @Override
      public boolean advance() {
        return ++at < all.length;
      }

      @Override
      public double seconds() {
        return all[at];
      }
    };
  }

  @Test
  void badInputNamesTheValue() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new KubernetesHpa(0, 1, 2));
    assertTrue(e.getMessage().contains("target ongoing"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new KnativeKpa(10, 1.5, 60, 0.1, 2, 5, true));
    assertTrue(e.getMessage().contains("utilisation (1.5)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new RayServe(3, 2));
    assertTrue(e.getMessage().contains("maximum replicas"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new CapacityPolicy(A100, Slo.of(99, 0.001), 5));
    assertTrue(e.getMessage().contains("meets") && e.getMessage().contains("no rate"), e.getMessage());
  }
}
