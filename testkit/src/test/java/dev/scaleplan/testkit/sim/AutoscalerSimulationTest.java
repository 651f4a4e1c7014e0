package dev.scaleplan.testkit.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.Autoscaler;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.testkit.policy.KubernetesHpa;
import dev.scaleplan.testkit.trace.Arrivals;
import dev.scaleplan.testkit.trace.ExampleTraces;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The embeddable controller driving the cluster simulator. */
class AutoscalerSimulationTest {
  static final BatchLatency RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  static final InstanceSpec ONE = InstanceSpec.of("A100", RESNET50, 32);
  static final List<InstanceSpec> SIZES = List.of(ONE, ONE.withServers(2), ONE.withServers(4));
  static final Slo SLO = Slo.of(99, 0.1);

  static ClusterSimulator.Options options(int kinds, double load, long seed) {
    double[] loads = new double[kinds];
    double[] resizes = new double[kinds];
    java.util.Arrays.fill(loads, load);
    java.util.Arrays.fill(resizes, 1);
    return new ClusterSimulator.Options(SLO, 0, 1, 10, loads, resizes, null, seed);
  }

  @Test
  void scaleFromZeroHoldsTheFirstRequestsThenReleasesThem() {
    // 50 requests in the first 5 s, none for 300 s, 50 more: from zero instances, each group waits for a start
    // (10 s load); in the gap the controller scales back to zero after its 30 s idle window.
    double[] times = new double[100];
    for (int i = 0; i < 50; i++) {
      times[i] = i * 0.1;
      times[50 + i] = 305 + i * 0.1;
    }
    Autoscaler a = Autoscaler.builder(List.of(ONE), SLO).timing(10, 1).idleBeforeZero(30).forecasting(false).build();
    SimResult r = ClusterSimulator.run(List.of(ONE), new int[] {0}, ClusterSimulatorTest.fromTimes(times),
        a.asPolicy(), options(1, 10, 1));
    assertEquals(100, r.served());
    assertEquals(0, r.dropped());
    assertEquals(2, r.scaleUps(), "one start per group: scaled to zero in between");
    // The first request of a group arrives just before a decision (at the next whole second) and waits that
    // decision plus the 10 s load; the last, 4.9 s later, about 5 s less.
    assertTrue(r.percentileSeconds(100) >= 10 && r.percentileSeconds(100) <= 11.1, "max " + r.percentileSeconds(100));
    assertTrue(r.percentileSeconds(0) >= 5 && r.percentileSeconds(0) <= 6.2, "min " + r.percentileSeconds(0));
    assertEquals(100, r.violations(), "every held request misses the 100 ms target: the hold is the cost");
  }

  @Test
  void identicalSeedsGiveIdenticalRuns() {
    SimResult[] runs = new SimResult[2];
    for (int k = 0; k < 2; k++) {
      Autoscaler a = Autoscaler.builder(SIZES, SLO).timing(10, 1).season(10, 300).build();
      runs[k] = ClusterSimulator.run(SIZES, new int[] {1, 0, 0}, Arrivals.bursty(2_000, 12_000, 60, 15, 600, 7),
          a.asPolicy(), options(3, 10, 7));
    }
    assertEquals(runs[0].events(), runs[1].events());
    assertEquals(runs[0].violations(), runs[1].violations());
    assertEquals(runs[0].gpuSeconds(), runs[1].gpuSeconds(), 0);
    assertEquals(runs[0].latencies(), runs[1].latencies());
  }

  @Test
  void onTheCodeTraceThePanicWindowBeatsTheReactiveControllerAndHpa() {
    // The README's comparison (300x the trace's rate; 2.6 million requests): the controller with its panic window
    // misses fewer requests than without it and than Kubernetes HPA, with fewer GPU-seconds than HPA.
    SimResult[] r = new SimResult[3];
    for (int k = 0; k < 3; k++) {
      Autoscaler.Builder b = Autoscaler.builder(SIZES, SLO).timing(10, 1).instances(1, 1000);
      var policy = k == 0 ? b.build().asPolicy() : k == 1 ? b.panic(false).forecasting(false).build().asPolicy()
          : new KubernetesHpa(32, 1, 1000);
      r[k] = ClusterSimulator.run(SIZES, new int[] {1, 0, 0},
          Arrivals.amplified(ExampleTraces.open("azure-llm-code"), 300, 1, 42), policy, options(3, 10, 42));
    }
    assertTrue(r[0].violations() < r[1].violations(), r[0].violations() + " vs reactive " + r[1].violations());
    assertTrue(r[0].violations() < r[2].violations(), r[0].violations() + " vs HPA " + r[2].violations());
    assertTrue(r[0].gpuSeconds() < r[2].gpuSeconds(), r[0].gpuSeconds() + " vs HPA " + r[2].gpuSeconds());
  }
}
