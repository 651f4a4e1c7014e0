package dev.scaleplan.solvers.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.ScalingAction;
import dev.scaleplan.api.Slo;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AutoscalerTest {
  /** ResNet-50 on an A100 (the profiler's embedded measurements), batches up to 32. */
  static final BatchLatency RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});
  static final InstanceSpec ONE = InstanceSpec.of("A100 x1", RESNET50, 32);
  static final List<InstanceSpec> ONE_KIND = List.of(ONE);
  static final List<InstanceSpec> SIZES = List.of(ONE, size(2), size(4));

  /** One instance of {@code n} A100s, a server each, sharing a queue. */
  static InstanceSpec size(int n) {
    return new InstanceSpec("A100 x" + n, RESNET50, n, 32, InstanceSpec.Dispatch.workConserving(), n,
        InstanceSpec.Service.DETERMINISTIC);
  }
  static final Slo SLO = Slo.of(99, 0.1);

  /** Runs the controller against the cluster for {@code seconds}, one decision a second, at {@code rate(t)}. */
  private static List<Decision> drive(Autoscaler a, FakeCluster c, double from, double to,
      java.util.function.DoubleUnaryOperator rate) {
    List<Decision> out = new ArrayList<>();
    for (double t = from; t <= to + 1e-9; t++) {
      c.now = t;
      out.add(a.step(c.observe(1, Math.round(rate.applyAsDouble(t))), c));
    }
    return out;
  }

  private static int total(int[] counts) {
    int n = 0;
    for (int x : counts) {
      n += x;
    }
    return n;
  }

  @Test
  void aBurstIsDetectedWithinThePanicWindow() {
    // Knative's windows (stable 60 s, panic 6 s, burst at 2x). At rate λ for 120 s, then 4λ: k seconds into the
    // burst the panic rate is λ (1 + k/2) and the stable rate λ (1 + k/20); panic >= 2 x stable first at k = 3
    // (2.5 vs 2.3), inside the 6 s panic window.
    Autoscaler probe = Autoscaler.builder(ONE_KIND, SLO).build();
    double lambda = 1.5 * probe.capacities()[0];
    Autoscaler withPanic = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).maxStep(100, 1).build();
    Autoscaler without = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).panic(false).maxStep(100, 1).build();
    FakeCluster c1 = new FakeCluster(ONE_KIND, 10, new int[] {2});
    FakeCluster c2 = new FakeCluster(ONE_KIND, 10, new int[] {2});
    java.util.function.DoubleUnaryOperator load = t -> t < 120.5 ? lambda : 4 * lambda;
    List<Decision> a = drive(withPanic, c1, 1, 130, load);
    List<Decision> b = drive(without, c2, 1, 130, load);
    int detected = -1;
    for (Decision d : a) {
      if (d.bursting()) {
        detected = (int) d.nowSeconds();
        break;
      }
    }
    assertEquals(123, detected, "burst detected 3 s in");
    Decision at = a.get(122);
    assertEquals(123, at.nowSeconds(), 0);
    assertTrue(at.reasons().contains("burst"), at.reasons());
    // With the panic window on, the plan takes the highest of the stable (λ (1 + 3/20) = 1.15 λ), panic (2.5 λ) and
    // last-period (4 λ) rates: by the end of the panic window (126 s) the target covers the burst, ceil(4 x 1.5) = 6
    // instances; on the stable rate alone (1.3 λ at 126 s: 2 instances) it does not.
    assertEquals(4 * lambda, at.plannedRate(), 1.0);
    assertEquals(1.15 * lambda, b.get(122).plannedRate(), 1.0);
    assertEquals(1.15 * lambda, at.stableRate(), 1.0);
    assertEquals(2.5 * lambda, at.panicRate(), 1.0);
    assertTrue(total(a.get(125).target()) >= 6, "with panic: " + total(a.get(125).target()));
    assertEquals(2, total(b.get(125).target()), "without");
  }

  @Test
  void scaleInWaitsForTheStabilisationWindow() {
    // High load until 100 s scales out; after the drop no drain comes before 100 + 300 s (the window), and one comes
    // within two minutes after it (so the check can fail both ways).
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    double cap = a.capacities()[0];
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    List<Decision> ds = drive(a, c, 1, 520, t -> t <= 100 ? 6.5 * cap : 0.5 * cap);
    double firstStop = Double.NaN;
    int peak = 0;
    for (Decision d : ds) {
      if (d.nowSeconds() <= 100) {
        peak = Math.max(peak, total(d.target()));
      }
      if (Double.isNaN(firstStop) && d.actions().stream().anyMatch(x -> x.type() == ScalingAction.Type.STOP)) {
        firstStop = d.nowSeconds();
      }
    }
    assertEquals(7, peak, "ceil(6.5) instances");
    assertTrue(firstStop >= 400, "first drain at " + firstStop);
    assertTrue(firstStop <= 520, "first drain at " + firstStop);
    assertEquals(peak, total(ds.get(398).target()), "still at the peak at 399 s");
  }

  @Test
  void noDrainWithinTheWindowAfterAStartOnRandomLoads() {
    // Property (HPA's rule): a start at s means a recommendation at s at least the count after it, so the count may
    // not fall below it before s + window. Seeded random walks of demand; instance floor 1 (no scale to zero).
    for (int seed = 0; seed < 8; seed++) {
      SplittableRandom r = new SplittableRandom(seed);
      double window = 30 + r.nextInt(120);
      Autoscaler a = Autoscaler.builder(SIZES, SLO).instances(1, 100).scaleInWindow(window).build();
      double cap = a.capacities()[0];
      FakeCluster c = new FakeCluster(SIZES, 1 + r.nextInt(20), new int[] {1, 0, 0});
      double[] level = {2 * cap};
      double lastStart = Double.NEGATIVE_INFINITY;
      for (int t = 1; t <= 900; t++) {
        if (r.nextInt(30) == 0) {
          level[0] = cap * r.nextDouble(0.1, 12);
        }
        c.now = t;
        Decision d = a.step(c.observe(1, Math.round(level[0] * r.nextDouble(0.8, 1.2))), c);
        for (ScalingAction x : d.actions()) {
          if (x.type() == ScalingAction.Type.STOP) {
            assertTrue(t >= lastStart + window, "seed " + seed + ": drain at " + t + " s, start at " + lastStart
                + " s, window " + window + " s");
          }
        }
        if (d.actions().stream().anyMatch(x -> x.type() == ScalingAction.Type.START)) {
          lastStart = t;
        }
      }
    }
  }

  @Test
  void afterAFailedLoadBelievedCapacityEqualsTheRealOne() {
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).timing(10, 1).timeout(30).retries(2, 120)
        .build();
    double[] caps = a.capacities();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {2});
    drive(a, c, 1, 60, t -> 1.5 * caps[0]);
    c.loadsHang = true;
    List<Decision> ds = drive(a, c, 61, 200, t -> 3.5 * caps[0]);
    // Each second, the controller believes in exactly what serves.
    for (Decision d : ds) {
      assertEquals(c.realCapacity(caps), a.believedCapacity(), 1e-9);
      assertEquals(d.believedCapacity(), 2 * caps[0], 1e-9, "only the two first instances ever serve");
    }
    Decision.Failure first = ds.stream().flatMap(d -> d.failures().stream()).findFirst().orElseThrow();
    assertTrue(first.cause().startsWith("not serving by its deadline"), first.cause());
    assertTrue(c.cancelled.contains(first.action()), "the hung load was cancelled");
    // The start is retried with its attempt number, then the kind is set aside: with one kind, nothing is left.
    assertTrue(c.applied.stream().anyMatch(x -> x.type() == ScalingAction.Type.START && x.attempt() == 2));
    assertTrue(ds.stream().anyMatch(d -> d.reasons().contains("every kind failed recently")));
    // No instance the controller gave up on still holds GPUs.
    assertEquals(0, total(c.loading()) - total(a.outstanding()));
  }

  @Test
  void aKindThatKeepsFailingIsReplacedByTheNextLarger() {
    Autoscaler a = Autoscaler.builder(SIZES, SLO).forecasting(false).timing(10, 1).timeout(20).retries(1, 600)
        .build();
    double[] caps = a.capacities();
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {1, 0, 0});
    c.refuseResizes = true;
    c.loadsHang = true;
    List<Decision> ds = drive(a, c, 1, 40, t -> 2.5 * caps[0]);
    assertTrue(ds.stream().flatMap(d -> d.failures().stream()).anyMatch(f -> f.next().contains("starting A100 x2")));
    assertTrue(c.applied.stream().anyMatch(x -> x.type() == ScalingAction.Type.START && x.toKind() == 1));
  }

  @Test
  void aRefusedResizeFallsBackToNewInstances() {
    Autoscaler a = Autoscaler.builder(SIZES, SLO).forecasting(false).build();
    double[] caps = a.capacities();
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {2, 0, 0});
    c.refuseResizes = true;
    drive(a, c, 1, 30, t -> 1.5 * caps[0]);
    List<Decision> burst = drive(a, c, 31, 40, t -> 3.5 * caps[0]);
    Decision at = burst.stream().filter(x -> !x.failures().isEmpty()).findFirst().orElseThrow();
    Decision.Failure f = at.failures().get(0);
    assertEquals(ScalingAction.Type.RESIZE, f.action().type());
    assertTrue(f.cause().contains("not allowed"), f.cause());
    assertTrue(f.next().contains("new instances planned"), f.next());
    // The starts of that decision cover the demand once loaded (in capacities of the smallest kind).
    double planned = 0;
    for (int k = 0; k < 3; k++) {
      planned += at.target()[k] * caps[k] / caps[0];
    }
    assertTrue(planned >= at.demandUnits(), planned + " vs " + at.demandUnits());
    assertTrue(at.actions().stream().anyMatch(x -> x.type() == ScalingAction.Type.START), at.actions().toString());
    // No resize again during the cool-down, however high the demand.
    List<Decision> later = drive(a, c, 41, 200, t -> 6 * caps[0]);
    assertFalse(later.stream().flatMap(x -> x.actions().stream()).anyMatch(x -> x.type() == ScalingAction.Type.RESIZE));
  }

  @Test
  void aPluggedPolicysRefusedResizeIsReplacedByAStartOfTheKindItWants() {
    AutoscalingPolicy oneOfEach = new AutoscalingPolicy() {
      @Override
      public String name() {
        return "one-of-each";
      }

      @Override
      public int[] decide(Observation o) {
        return new int[] {1, 1, 0};
      }
    };
    Autoscaler a = Autoscaler.builder(SIZES, SLO).policy(oneOfEach).build();
    FakeCluster c = new FakeCluster(SIZES, 10, new int[] {2, 0, 0});
    c.refuseResizes = true;
    c.now = 1;
    Decision d = a.step(c.observe(1, 10), c);
    assertEquals(1, d.failures().size());
    assertTrue(d.failures().get(0).next().startsWith("replaced by"), d.failures().get(0).next());
    // The resize 0 -> 1 is refused; its replacement starts one x2 instance; the surplus x1 drains at the next decision.
    assertEquals(List.of(ScalingAction.Type.START), d.actions().stream().map(ScalingAction::type).toList());
    assertEquals(1, d.actions().get(0).toKind());
    assertEquals("[2, 1, 0]", java.util.Arrays.toString(d.target()));
    c.now = 2;
    Decision next = a.step(c.observe(1, 10), c);
    assertEquals(1, next.actions().size());
    assertEquals(ScalingAction.Type.STOP, next.actions().get(0).type());
    assertEquals(0, next.actions().get(0).fromKind());
    assertEquals(1, next.actions().get(0).count());
  }

  @Test
  void aLostInstanceIsReportedAndReplaced() {
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    double cap = a.capacities()[0];
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {3});
    drive(a, c, 1, 30, t -> 2.5 * cap);
    c.lose(0);
    Decision d = drive(a, c, 31, 31, t -> 2.5 * cap).get(0);
    assertTrue(d.reasons().contains("lost 1 x A100 x1"), d.reasons());
    assertEquals(ScalingAction.Type.START, d.actions().get(0).type());
    assertEquals(1, d.actions().get(0).count());
    assertEquals(2 * cap, d.believedCapacity(), 1e-9);
  }

  @Test
  void aReportedFailureStopsCountingAndIsRetried() {
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    double cap = a.capacities()[0];
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    Decision d = drive(a, c, 1, 1, t -> 2.5 * cap).get(0);
    ScalingAction start = d.actions().get(0);
    assertEquals(2, start.count());
    assertEquals(2, a.outstanding()[0]);
    assertTrue(a.report(start.id(), "pod unschedulable: 0/8 nodes have nvidia.com/gpu"));
    assertFalse(a.report(start.id(), "again"));
    assertEquals(0, a.outstanding()[0]);
    c.cancel(start);
    Decision next = drive(a, c, 2, 2, t -> 2.5 * cap).get(0);
    assertEquals(1, next.failures().size());
    assertTrue(next.failures().get(0).cause().contains("unschedulable"));
    assertEquals(2, next.actions().get(0).attempt());
    assertEquals(2, next.actions().get(0).count());
  }

  @Test
  void scaleFromZeroHoldsThenReleasesTheFirstRequests() {
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).idleBeforeZero(30).timing(10, 1).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    // Idle from the start: after the 30 s idle window the one instance drains (the window counts from the first
    // idle observation, at 1 s).
    List<Decision> idle = drive(a, c, 1, 40, t -> 0);
    Decision zero = idle.stream().filter(d -> !d.actions().isEmpty()).findFirst().orElseThrow();
    assertEquals(31, zero.nowSeconds(), 0);
    assertEquals(ScalingAction.Type.STOP, zero.actions().get(0).type());
    assertTrue(zero.reasons().contains("scale to zero"), zero.reasons());
    assertEquals(0, total(c.ready()));
    // Five requests arrive at 41 s: one instance starts at once; the decision holds them 10 s (the load time).
    Decision first = drive(a, c, 41, 41, t -> 5).get(0);
    assertEquals(ScalingAction.Type.START, first.actions().get(0).type());
    assertEquals(5, first.held());
    assertEquals(10, first.holdSeconds(), 1e-9);
    assertTrue(first.reasons().contains("5 requests held"), first.reasons());
    // Still held while it loads (two more arrive), and the wait counts down.
    Decision later = drive(a, c, 45, 45, t -> 2).get(0);
    assertEquals(7, later.held());
    assertEquals(6, later.holdSeconds(), 1e-9);
    assertTrue(later.actions().isEmpty(), "the start is not repeated while it loads");
    // At 51 s the instance serves: the held requests go to it.
    Decision served = drive(a, c, 51, 51, t -> 2).get(0);
    assertEquals(0, served.held());
    assertEquals(1, served.ready()[0]);
  }

  @Test
  void identicalObservationsGiveIdenticalDecisions() {
    for (int seed = 0; seed < 2; seed++) {
      List<String> runs = new ArrayList<>();
      for (int run = 0; run < 2; run++) {
        SplittableRandom r = new SplittableRandom(seed);
        Autoscaler a = Autoscaler.builder(SIZES, SLO).season(10, 300).build();
        FakeCluster c = new FakeCluster(SIZES, 5, new int[] {1, 0, 0});
        StringBuilder log = new StringBuilder();
        for (int t = 1; t <= 600; t++) {
          c.now = t;
          Decision d = a.step(c.observe(1, r.nextInt(20_000)), c);
          log.append(d.actions()).append(d.failures()).append(java.util.Arrays.toString(d.target()))
              .append(d.reasons()).append(d.plannedRate()).append('\n');
        }
        runs.add(log.toString());
      }
      assertEquals(runs.get(0), runs.get(1), "seed " + seed);
    }
  }

  @Test
  void aDecisionChangesAtMostTheStepBound() {
    // HPA's default: max(4 instances, 100%) per decision. From 2 instances, demand for 40 (39.5 capacities): +4 to 6,
    // +6 to 12, +12 to 24, +16 to 40.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    double cap = a.capacities()[0];
    FakeCluster c = new FakeCluster(ONE_KIND, 1000, new int[] {2});
    List<Decision> ds = drive(a, c, 1, 4, t -> 39.5 * cap);
    assertEquals(List.of(6, 12, 24, 40), ds.stream().map(d -> total(d.target())).toList());
  }

  @Test
  void tokenAndKvCacheSignalsRaiseTheDemand() {
    // 5,500 tokens/s against 1,000 tokens/s per instance: ceil(5.5) = 6 instances, though requests alone need 1.
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).tokenThroughput(1000).maxStep(100, 1).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 0, new int[] {1});
    Decision d = null;
    for (int t = 1; t <= 5; t++) {
      c.now = t;
      d = a.step(c.observe(1, 10), new LlmSignals(5_500, 0, 0, 0), c);
    }
    assertEquals(6, total(d.target()));
    assertEquals(5.5, d.demandUnits(), 1e-9);
    // KV cache 90% in use against the 80% target on 4 ready instances: 4 x 0.9 / 0.8 = 4.5 -> 5.
    Autoscaler kv = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).build();
    FakeCluster k = new FakeCluster(ONE_KIND, 0, new int[] {4});
    k.now = 1;
    Decision e = kv.step(k.observe(1, 10), new LlmSignals(0, 0, 900, 1000), k);
    assertEquals(4.5, e.demandUnits(), 1e-9);
    assertEquals(5, total(e.target()));
  }

  @Test
  void aForecastWidensTheTargetAheadOfAPredictablePeak() {
    // A 300 s season: 200 s at 1.5 capacities, 100 s at 5.5. After four seasons, 10 s before the fifth peak the
    // forecasting controller already holds more instances than the reactive one (20 s loads: two 10 s buckets ahead).
    java.util.function.DoubleUnaryOperator load = t -> (t % 300) < 200 ? 1.5 : 5.5;
    Autoscaler f = Autoscaler.builder(ONE_KIND, SLO).season(10, 300).timing(20, 1).scaleInWindow(0).build();
    Autoscaler n = Autoscaler.builder(ONE_KIND, SLO).forecasting(false).timing(20, 1).scaleInWindow(0).build();
    double cap = f.capacities()[0];
    FakeCluster cf = new FakeCluster(ONE_KIND, 20, new int[] {2});
    FakeCluster cn = new FakeCluster(ONE_KIND, 20, new int[] {2});
    List<Decision> df = drive(f, cf, 1, 1390, t -> cap * load.applyAsDouble(t));
    List<Decision> dn = drive(n, cn, 1, 1390, t -> cap * load.applyAsDouble(t));
    Decision before = df.get(1389);
    assertEquals(1390, before.nowSeconds(), 0);
    assertTrue(before.forecastRate() > 4 * cap, "forecast " + before.forecastRate() / cap + " capacities");
    assertTrue(total(before.target()) >= 5, "forecasting target " + total(before.target()));
    assertEquals(2, total(dn.get(1389).target()), "reactive target");
  }

  @Test
  void aSteadyDecisionAllocatesOnlyItsResult() {
    com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    Autoscaler a = Autoscaler.builder(SIZES, SLO).build();
    int n = 20_000;
    Observation[] obs = new Observation[n];
    long arrivals = Math.round(3.5 * a.capacities()[0]);  // 4 instances are right: nothing to do, nothing to say
    for (int i = 0; i < n; i++) {
      obs[i] = new Observation(i + 1, 1, arrivals, arrivals, 0, -1, -1, 0, 0, new int[] {4, 0, 0}, new int[3], SIZES,
          0.1);
    }
    for (int i = 0; i < n / 2; i++) {
      a.decide(obs[i]);
    }
    long before = mx.getCurrentThreadAllocatedBytes();
    for (int i = n / 2; i < n; i++) {
      a.decide(obs[i]);
    }
    double perDecision = (double) (mx.getCurrentThreadAllocatedBytes() - before) / (n / 2);
    // The decision record, its two count arrays, an empty action list and the reason text: a few hundred bytes.
    assertTrue(perDecision < 1024, perDecision + " bytes per decision");
  }

  @Test
  void badInputIsRefusedWithTheValueNamed() {
    Autoscaler a = Autoscaler.builder(SIZES, SLO).build();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.decide(new Observation(1, 1,
        10, 10, 0, -1, -1, 0, 0, new int[] {1}, new int[] {0}, ONE_KIND, 0.1)));
    assertTrue(e.getMessage().contains("catalog has 3"), e.getMessage());
    a.decide(new Observation(5, 1, 10, 10, 0, -1, -1, 0, 0, new int[3], new int[3], SIZES, 0.1));
    e = assertThrows(IllegalArgumentException.class, () -> a.decide(new Observation(4, 1, 10, 10, 0, -1, -1, 0, 0,
        new int[3], new int[3], SIZES, 0.1)));
    assertTrue(e.getMessage().contains("4.0 s"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> a.decide(new Observation(6, 1, -1, 10, 0, -1, -1, 0, 0,
        new int[3], new int[3], SIZES, 0.1)));
    assertTrue(e.getMessage().contains("-1"), e.getMessage());
    assertThrows(IllegalArgumentException.class,
        () -> Autoscaler.builder(List.of(ONE.withServers(2), ONE), SLO).build());
    assertThrows(IllegalArgumentException.class, () -> Autoscaler.builder(ONE_KIND, Slo.of(99, 0.001)).build());
    assertThrows(IllegalArgumentException.class, () -> Autoscaler.builder(ONE_KIND, SLO).hysteresis(1));
    assertThrows(IllegalArgumentException.class, () -> Autoscaler.builder(ONE_KIND, SLO).timing(10, 1).timeout(5)
        .build());
    assertThrows(IllegalArgumentException.class, () -> new LlmSignals(0, 0, 5, 4));
  }

  @Test
  void aPluggedPolicyStillHasItsFailuresHandled() {
    AutoscalingPolicy three = new AutoscalingPolicy() {
      @Override
      public String name() {
        return "three";
      }

      @Override
      public int[] decide(Observation o) {
        return new int[] {3};
      }
    };
    Autoscaler a = Autoscaler.builder(ONE_KIND, SLO).policy(three).timing(10, 1).timeout(30).build();
    FakeCluster c = new FakeCluster(ONE_KIND, 10, new int[] {1});
    c.loadsHang = true;
    List<Decision> ds = drive(a, c, 1, 40, t -> 100);
    assertEquals(2, ds.get(0).actions().get(0).count());
    assertTrue(ds.stream().anyMatch(d -> !d.failures().isEmpty()));
    for (Decision d : ds) {
      assertEquals(1, d.ready()[0]);
    }
    assertEquals("three", a.name());
  }
}
