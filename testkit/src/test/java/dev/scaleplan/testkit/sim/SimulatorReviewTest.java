package dev.scaleplan.testkit.sim;

import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import dev.scaleplan.solvers.control.InstanceSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.policy.RayServe;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Regression tests for the simulator's edges found in review: each failed before its fix. */
class SimulatorReviewTest {
  static final BatchLatency RESNET50 = ClusterSimulatorTest.RESNET50;
  /** l(1) of ResNet-50 on an A100 (the table's first entry). */
  static final double L1 = 2.128e-3;

  @Test
  void aResizeCancelledAndAskedForAgainServesOnlyAfterItsNewResizeTime() {
    // One server (max batch 1), and the same with two. The policy grows the instance at 1 s (the added server is due
    // at 1 + 5 = 6 s), shrinks it at 2 s (the pending server is cancelled) and grows it again at 3 s (due at 8 s).
    // The ACTIVATE event of the first growth, still in the heap at 6 s, must not bring the server in early: two
    // requests at 7 s find one server, so the second waits for the first: latency 2 l(1) = 4.256 ms (before the fix
    // both ran at once, l(1)).
    InstanceSpec one = InstanceSpec.of("A100", RESNET50, 1);
    AutoscalingPolicy flip = ClusterSimulatorTest.policy("flip", o -> o.nowSeconds() < 1.5 ? new int[] {0, 1}
        : o.nowSeconds() < 2.5 ? new int[] {1, 0} : new int[] {0, 1});
    SimResult r = ClusterSimulator.run(List.of(one, one.withServers(2)), new int[] {1, 0},
        ClusterSimulatorTest.fromTimes(new double[] {7, 7}), flip, new ClusterSimulator.Options(Slo.of(99, 1), 0, 1,
            1, new double[] {9, 9}, new double[] {5, 5}, 1));
    assertEquals(3, r.events().stream().filter(e -> e.kind() == ScalingEvent.Kind.RESIZE).count());
    assertEquals(2, r.served());
    assertEquals(2 * L1, r.percentileSeconds(100), 2 * L1 * 1e-3);  // HdrHistogram: 3 significant digits
  }

  /**
   * One Symphony instance of two servers, max batch 1, l(b) = 0.5 b s, work-conserving; SLO target 0.8 s; requests at
   * 0, 0, 0 and 0.35 s.
   */
  static SimResult symphonyRun(double warmup, double period, AutoscalingPolicy policy) {
    InstanceSpec spec = new InstanceSpec("slow", BatchLatency.affine(0, 0.5), 2, 1,
        InstanceSpec.Dispatch.symphony(BatchDispatcher.Rule.WORK_CONSERVING), 2, InstanceSpec.Service.DETERMINISTIC);
    return ClusterSimulator.run(List.of(spec), new int[] {1}, ClusterSimulatorTest.fromTimes(
        new double[] {0, 0, 0, 0.35}), policy, new ClusterSimulator.Options(Slo.of(99, 0.8), warmup, period, 1,
            new double[] {0}, 1));
  }

  @Test
  void symphonyDropsCountOnlyRequestsThatArrivedAfterTheWarmUp() {
    // Three requests at 0 s: two run on the two servers until 0.5 s; the third (deadline 0.8 s) is hopeless after
    // 0.8 - l(1) = 0.3 s, and the dispatcher drops it when it next looks, at the arrival of 0.35 s. That arrival (the
    // only one after a warm-up of 0.3 s) starts at 0.5 s and finishes at 1 s, 0.65 s after it came: within the SLO.
    // The drop is of a request before the warm-up: not counted (before the fix it was, served + dropped = 2 of 1).
    SimResult r = symphonyRun(0.3, 1, AutoscalingPolicy.fixed());
    assertEquals(1, r.requests());
    assertEquals(1, r.served());
    assertEquals(0, r.dropped());
    assertEquals(1.0, r.attainment());
    // A warm-up past the last arrival measures nothing, drops included (before the fix: 1 drop of 0 requests).
    SimResult none = symphonyRun(10, 1, AutoscalingPolicy.fixed());
    assertEquals(0, none.requests());
    assertEquals(0, none.served() + none.dropped());
  }

  @Test
  void aSymphonyRequestArrivingAtTheWarmUpIsServedAndCounted() {
    // Warm-up 1 s, SLO 15 ms: the request at exactly 1 s is measured; its deadline 1.015 s less 0.015 s rounds to
    // 0.9999999999999999 s, which counted it as before the warm-up: 1 request, 0 served, 0 dropped. The request at
    // 0.5 s is not measured.
    InstanceSpec spec = new InstanceSpec("A100", RESNET50, 1, 8,
        InstanceSpec.Dispatch.symphony(BatchDispatcher.Rule.WORK_CONSERVING), 1, InstanceSpec.Service.DETERMINISTIC);
    SimResult r = ClusterSimulator.run(List.of(spec), new int[] {1}, ClusterSimulatorTest.fromTimes(
        new double[] {0.5, 1.0}), AutoscalingPolicy.fixed(), new ClusterSimulator.Options(Slo.of(99, 0.015), 1.0, 1,
            1, new double[] {0}, 1));
    assertEquals(1, r.requests());
    assertEquals(1, r.served());
    assertEquals(L1, r.percentileSeconds(100), L1 * 1e-3);  // alone on an idle GPU: l(1)
  }

  @Test
  void thePolicySeesSymphonyDropsAsViolations() {
    // The run of symphonyDropsCountOnlyRequestsThatArrivedAfterTheWarmUp, deciding every 0.9 s: in the first period
    // one request is dropped (at 0.35 s) and none finishes late (two at 0.5 s, 0.5 s after they came, against 0.8 s),
    // so the decision at 0.9 s sees 1 violation, as Observation documents (before the fix: 0; only the drops of held
    // requests were counted).
    List<Long> seen = new ArrayList<>();
    symphonyRun(0, 0.9, ClusterSimulatorTest.policy("watch", o -> {
      seen.add(o.violations());
      return new int[] {o.ready()[0] + o.loading()[0]};
    }));
    assertEquals(1L, seen.get(0));
  }

  @Test
  void anInstanceWhoseLiveShareFallsBackToZeroFinishesWhatItHolds() {
    // No instance at first; the policy wants one from 1 s; it loads in 10 s and serves half its throughput from its
    // start, nothing from 0.5 s after it (a ramp may fall: CapacityTimeline.ramp clamps each point on its own).
    // l(1) = 0.3 s, max batch 1, so at half speed a batch takes 0.6 s. Two requests at 1.2 s: the first runs from 1.2
    // to 1.8 s, the second waits and starts at 1.8 s, after the share fell to 0 (at 1.5 s): it runs at the last share,
    // 0.5, to 2.4 s (latency 1.2 s). Before the fix it ran at share 0, an infinite service time, and was never served.
    InstanceSpec spec = InstanceSpec.of("slow", BatchLatency.affine(0, 0.3), 1);
    TransitionPlanner.Ramp falls = new TransitionPlanner.Ramp(new double[] {0, 0.5}, new double[] {0.5, 0});
    SimResult r = ClusterSimulator.run(List.of(spec), new int[] {0}, ClusterSimulatorTest.fromTimes(
        new double[] {1.2, 1.2}), ClusterSimulatorTest.policy("one", o -> new int[] {1}),
        new ClusterSimulator.Options(Slo.of(99, 10), 0, 1, 1, new double[] {10}, null, falls, 1));
    assertEquals(2, r.served());
    assertEquals(1.2, r.percentileSeconds(100), 1.2e-3);
    assertTrue(Double.isFinite(r.simulatedSeconds()));
  }

  @Test
  void arrivalTimesMustBeFiniteNonNegativeAndInOrder() {
    // A NaN time made the loop tick forever (no comparison with NaN holds); a negative one indexed the timeline at
    // -1; one before its predecessor ran the clock backwards. Each is now refused, naming the request.
    InstanceSpec spec = InstanceSpec.of("A100", RESNET50, 8);
    for (double[] times : new double[][] {{0.5, Double.NaN}, {0.5, -1}, {0.5, 0.25}, {0.5, Double.POSITIVE_INFINITY}}) {
      IllegalArgumentException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
          IllegalArgumentException.class, () -> ClusterSimulator.run(List.of(spec), new int[] {1},
              ClusterSimulatorTest.fromTimes(times), AutoscalingPolicy.fixed(),
              new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {0}, 1))));
      assertTrue(e.getMessage().contains("arrival time of request 2 (" + times[1] + " s)"), e.getMessage());
    }
  }

  @Test
  void aPolicyThatNeverStartsAnInstanceForHeldRequestsEndsTheRun() {
    // No instance and a policy that wants none: the request is held for ever and the loop used to tick without end
    // (and grow the timeline until memory ran out). It now gives up after MAX_DECISIONS_WITHOUT_INSTANCE decisions.
    InstanceSpec spec = InstanceSpec.of("A100", RESNET50, 8);
    IllegalStateException e = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> assertThrows(
        IllegalStateException.class, () -> ClusterSimulator.run(List.of(spec), new int[] {0},
            ClusterSimulatorTest.fromTimes(new double[] {0.5}), ClusterSimulatorTest.policy("never", o -> new int[] {0}),
            new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {0}, 1))));
    assertTrue(e.getMessage().contains("Policy 'never' left 1 requests waiting"), e.getMessage());
  }

  @Test
  void kindsWithOtherGpusPerServerAreNotResizedInPlace() {
    // One A100 per server, and two servers of two A100s each (4 GPUs, tensor parallel): the same name, but a server of
    // one is not a server of the other. The policy wants the larger kind from 1 s. Growing in place gave the instance
    // 1 + 2 = 3 GPUs as "4-GPU" kind; now a new instance (4 GPUs, loaded by 2 s) starts and the idle one drains and
    // leaves at 1 s. GPU-seconds: 1 GPU from 0 to 1 s, 4 from 1 s to the end.
    InstanceSpec one = InstanceSpec.of("A100", RESNET50, 8);
    InstanceSpec tp2 = new InstanceSpec("A100", RESNET50, 2, 8, InstanceSpec.Dispatch.workConserving(), 4,
        InstanceSpec.Service.DETERMINISTIC);
    SimResult r = ClusterSimulator.run(List.of(one, tp2), new int[] {1, 0}, ClusterSimulatorTest.fromTimes(
        new double[] {0.5, 3}), ClusterSimulatorTest.policy("big", o -> new int[] {0, 1}),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {1, 1}, new double[] {0.1, 0.1}, 1));
    assertFalse(r.events().stream().anyMatch(e -> e.kind() == ScalingEvent.Kind.RESIZE), r.events().toString());
    assertTrue(r.events().contains(new ScalingEvent(1, ScalingEvent.Kind.START, 1, 1)), r.events().toString());
    double end = r.simulatedSeconds();
    assertEquals(1 + 4 * (end - 1), r.gpuSeconds(), 1e-9);
    assertEquals(2, r.served());
  }

  @Test
  void anInstanceWhoseHostIsFullIsNotResizedWithoutGrowing() {
    // Two hosts of 2 GPUs; two 1-GPU instances fill host 0. The policy wants one 1-server and one 2-server instance
    // from 1 s. Growing either in place finds no free GPU on host 0: it was resized anyway to the 2-server kind with
    // 1 server (REFUSED) and nothing was started, though host 1 was empty. Now a 2-server instance starts on host 1
    // (instance 2, at 1 s) and one 1-server instance drains.
    InstanceSpec one = InstanceSpec.of("A100", RESNET50, 8);
    SimResult r = ClusterSimulator.run(List.of(one, one.withServers(2)), new int[] {2, 0},
        ClusterSimulatorTest.fromTimes(new double[] {0.5, 3}), ClusterSimulatorTest.policy("mix", o -> new int[] {1, 1}),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {1, 1}, new double[] {0.1, 0.1}, 1),
        new ClusterSimulator.Hosts(2, 2));
    assertFalse(r.events().stream().anyMatch(e -> e.kind() == ScalingEvent.Kind.RESIZE), r.events().toString());
    assertTrue(r.events().contains(new ScalingEvent(1, ScalingEvent.Kind.START, 1, 2)), r.events().toString());
    assertTrue(r.events().contains(new ScalingEvent(1, ScalingEvent.Kind.DRAIN, 0, 0)), r.events().toString());
  }

  @Test
  void rayServeIsNotStuckAboveTheRawDecisionBySmoothing() {
    // Ray Serve (target 2, no delays, smoothing 0.5), one idle replica: the raw decision is ceil(0 / 2) = 0, smoothed
    // 1 + 0.5 (0 - 1) = 0.5, ceil 1: stuck at 1 for ever. Ray's _calculate_desired_num_replicas then takes one off
    // (ceil(1 x 0) < 1 and the smoothed count equals the current one): 0.
    RayServe ray = new RayServe(2, 0, 10, 10, 30, 0, 0, 0.5);
    InstanceSpec spec = InstanceSpec.of("A100", RESNET50, 8);
    Observation idle = new Observation(10, 10, 0, 0, 0, -1, -1, 0, 0, new int[] {1}, new int[] {0}, List.of(spec),
        0.025);
    assertEquals(0, ray.decide(idle)[0]);
  }
}
