package dev.scaleplan.testkit.sim;

import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import dev.scaleplan.solvers.control.InstanceSpec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.MMc;
import dev.scaleplan.queueing.QueueMetrics;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import dev.scaleplan.solvers.batching.DispatchComparison;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.trace.ArrivalStream;
import dev.scaleplan.testkit.trace.Arrivals;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class ClusterSimulatorTest {
  /** ResNet-50 on an A100 (NVIDIA DeepLearningExamples Triton table, ms at batch 1..128). */
  static final BatchLatency RESNET50 = BatchLatency.tabulated(new int[] {1, 2, 4, 8, 16, 32, 64, 128},
      new double[] {2.128e-3, 2.194e-3, 2.759e-3, 3.895e-3, 5.793e-3, 11.193e-3, 25.244e-3, 48.086e-3});

  /** Two-sided t quantile at 99.9% for 9 degrees of freedom (10 replications): 4.781 (standard tables). */
  static final double T_999_9 = 4.781;

  @Test
  void mmcPercentilesFallInsideTheReplicationInterval() {
    // M/M/8 at load 0.9: λ = 7.2/s, mean service 1 s. Exact figures from the queueing module (Erlang C).
    QueueMetrics exact = MMc.of(7.2, 8, 1.0).metrics();
    InstanceSpec mm8 = new InstanceSpec("M/M/8", BatchLatency.affine(1.0, 0), 8, 1,
        InstanceSpec.Dispatch.workConserving(), 8, InstanceSpec.Service.EXPONENTIAL);
    List<SimResult> reps = replications(mm8, 7.2, 40_000, 10);
    check("mean response", exact.meanResponse().value(), reps, SimResult::meanSeconds);
    for (double p : new double[] {50, 95, 99}) {
      check("p" + p, exact.responsePercentile(p).value(), reps, r -> r.percentileSeconds(p));
    }
  }

  @Test
  void batchingMatchesTheDepartureChain() {
    // One A100 serving ResNet-50 with batches up to 32 at 2,000/s (70% of 32 / l(32) = 2,859/s); the queueing
    // module's departure chain gives the exact means and percentiles.
    QueueMetrics exact = BatchQueue.of(2000, InstanceConfig.of(1, 32, RESNET50)).metrics();
    InstanceSpec a100 = InstanceSpec.of("A100", RESNET50, 32);
    List<SimResult> reps = replications(a100, 2000, 100, 10);
    check("mean response", exact.meanResponse().value(), reps, SimResult::meanSeconds);
    for (double p : new double[] {50, 99}) {
      check("p" + p, exact.responsePercentile(p).value(), reps, r -> r.percentileSeconds(p));
    }
  }

  @Test
  void symphonyDispatchAgreesWithTheDispatchersOwnDriverRequestForRequest() {
    // The same arrivals through the simulator and through solvers' DispatchComparison (an independent event loop
    // over the same BatchDispatcher): the requests served within their deadline must agree exactly, for every rule,
    // on one and on two servers, below and above saturation.
    for (BatchDispatcher.Rule rule : BatchDispatcher.Rule.values()) {
      for (int servers : new int[] {1, 2}) {
        for (double rate : new double[] {2000, 2800 * servers}) {
          double[] times = DispatchComparison.poissonArrivals(rate, 20_000, 5);
          InstanceSpec spec = new InstanceSpec("A100", RESNET50, servers, 32, InstanceSpec.Dispatch.symphony(rule),
              servers, InstanceSpec.Service.DETERMINISTIC);
          SimResult r = ClusterSimulator.run(List.of(spec), new int[] {1}, fromTimes(times),
              AutoscalingPolicy.fixed(), new ClusterSimulator.Options(Slo.of(99, 0.015), 0, 1e9, 1,
                  new double[] {0}, 1));
          DispatchComparison.PolicyResult reference = DispatchComparison.simulate(
              BatchDispatcher.of(rule, RESNET50, 32, servers, 16), times, 0.015);
          long within = r.served() + r.dropped() - r.violations();
          assertEquals(reference.withinDeadline(), within, rule + ", " + servers + " servers, " + rate + "/s");
          assertEquals(20_000, r.served() + r.dropped(), rule + ": every request served or dropped");
        }
      }
    }
  }

  @Test
  void maxQueueDelayAgreesWithTheQueueingModulesSimulator() {
    // Triton's rule (B = 32, 4 ms) at 1,500/s: the queueing module's own simulator (QueueSimulator, independent code)
    // gives a mean response and p99 with 99.9% intervals; ours must fall inside them, widened by our own interval.
    QueueMetrics reference = BatchQueue.of(1500, InstanceConfig.of(1, 32, RESNET50)
        .withDispatch(DispatchRule.maxQueueDelay(0.004))).metrics();
    InstanceSpec spec = InstanceSpec.of("A100", RESNET50, 32).withDispatch(InstanceSpec.Dispatch.maxQueueDelay(0.004));
    List<SimResult> reps = replications(spec, 1500, 100, 10);
    double[] x = reps.stream().mapToDouble(SimResult::meanSeconds).toArray();
    double mean = java.util.Arrays.stream(x).average().orElseThrow();
    double sd = Math.sqrt(java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (x.length - 1));
    double ours = T_999_9 * sd / Math.sqrt(x.length);
    double theirs = reference.meanResponse().upper() - reference.meanResponse().value();
    assertTrue(Math.abs(mean - reference.meanResponse().value()) <= ours + theirs,
        "mean response: ours " + mean + " +- " + ours + ", theirs " + reference.meanResponse());
    // Every batch waits at most 4 ms for company: no request waits longer than 4 ms plus one batch ahead of it.
    assertTrue(reps.get(0).percentileSeconds(100) <= 0.004 + 2 * RESNET50.seconds(32) + 1e-4);
  }

  /** {@code n} replications of {@code seconds} of Poisson arrivals (the first 10% not measured). */
  static List<SimResult> replications(InstanceSpec spec, double rate, double seconds, int n) {
    return IntStream.range(0, n).parallel().mapToObj(k -> ClusterSimulator.run(List.of(spec), new int[] {1},
        Arrivals.poisson(rate, seconds, 1000 + k), AutoscalingPolicy.fixed(),
        new ClusterSimulator.Options(Slo.of(99, 1e9), seconds / 10, 1e6, seconds, new double[] {0}, 77 + k)))
        .toList();
  }

  /** The exact value must lie in the 99.9% t-interval of the replications' estimates. */
  static void check(String what, double exact, List<SimResult> reps, ToDoubleFunction<SimResult> f) {
    double[] x = reps.stream().mapToDouble(f).toArray();
    double mean = java.util.Arrays.stream(x).average().orElseThrow();
    double var = java.util.Arrays.stream(x).map(v -> (v - mean) * (v - mean)).sum() / (x.length - 1);
    double half = T_999_9 * Math.sqrt(var / x.length);
    // HdrHistogram keeps 3 significant digits: allow its 0.1% too.
    assertTrue(Math.abs(mean - exact) <= half + 1e-3 * exact, what + ": simulated " + mean + " +- " + half
        + ", exact " + exact);
  }

  @Test
  void scalingTakesItsLoadTimeAndGpuSecondsAreExact() {
    // Two requests/s on one instance; the policy wants 2 instances from its first decision at t = 1 s; loading takes
    // 5 s, so the second serves from 6 s. Arrivals end at 10 s; GPU-seconds: instance 0 from 0 to the end, instance
    // 1 from 1 to the end.
    ArrivalStream arrivals = Arrivals.poisson(2, 10, 3);
    AutoscalingPolicy two = policy("two", o -> new int[] {2});
    SimResult r = ClusterSimulator.run(List.of(InstanceSpec.of("A100", RESNET50, 8)), new int[] {1}, arrivals, two,
        new ClusterSimulator.Options(Slo.of(99, 0.05), 0, 1, 1, new double[] {5}, 1));
    List<ScalingEvent> e = r.events();
    assertEquals(new ScalingEvent(0, ScalingEvent.Kind.START, 0, 0), e.get(0));
    assertEquals(new ScalingEvent(1, ScalingEvent.Kind.START, 0, 1), e.get(1));
    assertEquals(new ScalingEvent(6, ScalingEvent.Kind.READY, 0, 1), e.get(2));
    double end = r.simulatedSeconds();
    assertEquals(end + (end - 1), r.gpuSeconds(), 1e-9);
    assertEquals(r.gpuSeconds(), java.util.Arrays.stream(r.timeline().gpuSeconds()).sum(), 1e-9);
    assertEquals(1, r.scaleUps());
    assertEquals(r.requests(), r.served());
    assertEquals(1.0, r.attainment());
  }

  @Test
  void requestsWithNoInstanceWaitForTheFirstOne() {
    // No instance at the start; at the first decision (1 s) the policy asks for one, which loads in 2 s. Every
    // request arriving before 3 s waits until then: its latency is 3 - arrival + l(batch).
    double[] times = {0.25, 0.5, 2.0, 4.0};
    ArrivalStream arrivals = fromTimes(times);
    SimResult r = ClusterSimulator.run(List.of(InstanceSpec.of("A100", RESNET50, 8)), new int[] {0}, arrivals,
        policy("one", o -> new int[] {1}), new ClusterSimulator.Options(Slo.of(50, 1.0), 0, 1, 1, new double[] {2},
            1));
    // At 3 s the three held requests are routed one by one: the first starts alone (l(1) = 2.128 ms), the next two
    // queue behind it and start together at 3.002128 s (l(2) = 2.194 ms), finishing at 3.004322 s; the last request
    // arrives at 4 s to an idle instance. Latencies: 2.752128, 2.504322, 1.004322 and 0.002128 s.
    assertEquals(4, r.served());
    assertEquals(2.752128, r.percentileSeconds(100), 2.752128e-3);  // HdrHistogram: 3 significant digits
    assertEquals(1.004322, r.percentileSeconds(50), 1.004322e-3);
    assertEquals(0.002128, r.percentileSeconds(0), 0.002128e-3);
    assertEquals(0.25, r.attainment());  // only the request at 4 s finishes within 1 s
  }

  @Test
  void aDrainedInstanceLeavesWhenEmpty() {
    // Two instances; the policy wants none from its first decision at 1 s: both drain and leave once empty. The
    // request of 0.999 s runs until 0.999 + l(1) = 1.001128 s, so its instance leaves then and the other at 1 s.
    SimResult r = ClusterSimulator.run(List.of(InstanceSpec.of("A100", RESNET50, 8)), new int[] {2},
        fromTimes(new double[] {0.1, 0.2, 0.999}), policy("none", o -> new int[] {0}),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {1}, 1));
    assertEquals(3, r.served());
    assertEquals(1 + 1.001128, r.gpuSeconds(), 1e-9);
    assertEquals(2, r.events().stream().filter(e -> e.kind() == ScalingEvent.Kind.STOP).count());
  }

  @Test
  void replicationsGiveStudentIntervals() {
    // Three runs of M/M/8-like load with attainments a1..a3: the half-width is t(2, 0.975) s / sqrt(3) with
    // t(2, 0.975) = 4.303 (standard tables).
    InstanceSpec spec = InstanceSpec.of("A100", RESNET50, 32);
    List<SimResult> runs = IntStream.range(0, 3).mapToObj(k -> ClusterSimulator.run(List.of(spec), new int[] {1},
        Arrivals.poisson(2600, 20, k), AutoscalingPolicy.fixed(),
        new ClusterSimulator.Options(Slo.of(99, 0.02), 2, 1, 1, new double[] {0}, k))).toList();
    Replications r = Replications.of(runs, 0.95);
    double[] a = runs.stream().mapToDouble(SimResult::attainment).toArray();
    double mean = (a[0] + a[1] + a[2]) / 3;
    double s = Math.sqrt(((a[0] - mean) * (a[0] - mean) + (a[1] - mean) * (a[1] - mean)
        + (a[2] - mean) * (a[2] - mean)) / 2);
    assertEquals(mean, r.attainment(), 1e-12);
    assertEquals(4.303 * s / Math.sqrt(3), r.attainmentHalfWidth(), 1e-3 * s);
    assertTrue(Double.isNaN(Replications.of(runs.subList(0, 1), 0.95).attainmentHalfWidth()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Replications.of(List.of(), 0.95));
    assertTrue(e.getMessage().contains("at least one run"), e.getMessage());
  }

  @Test
  void anInstanceGrowsAndShrinksInPlace() {
    // Kinds: one A100 server, and two sharing a queue (2 GPUs). The policy wants the larger kind from its decision at
    // 1 s and the smaller one from 3 s: the instance is resized in place (no new instance), its second server holds a
    // GPU from 1 s, serves from 1.5 s (resize time 0.5 s) and leaves at 3 s (idle: requests at 0.5, 2 and 4 s go to
    // server 0, the first free one). GPU-seconds: 1 GPU for the whole run plus 1 from 1 to 3 s.
    InstanceSpec one = InstanceSpec.of("A100", RESNET50, 32);
    InstanceSpec two = one.withServers(2);
    AutoscalingPolicy grow = policy("grow", o -> o.nowSeconds() < 3 ? new int[] {0, 1} : new int[] {1, 0});
    SimResult r = ClusterSimulator.run(List.of(one, two), new int[] {1, 0}, fromTimes(new double[] {0.5, 2, 4}),
        grow, new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {9, 9}, new double[] {0.5, 0.5}, 1));
    assertEquals(List.of(ScalingEvent.Kind.START, ScalingEvent.Kind.RESIZE, ScalingEvent.Kind.RESIZE,
        ScalingEvent.Kind.STOP), r.events().stream().map(ScalingEvent::kind).toList());
    assertEquals(new ScalingEvent(1, ScalingEvent.Kind.RESIZE, 1, 0), r.events().get(1));
    assertEquals(new ScalingEvent(3, ScalingEvent.Kind.RESIZE, 0, 0), r.events().get(2));
    assertEquals(4 + RESNET50.seconds(1) + 2, r.gpuSeconds(), 1e-9);
    assertEquals(3, r.served());
  }

  @Test
  void liveScalingServesAShareWhileLoading() {
    // No instance at first; the policy wants one at 1 s; it loads in 10 s but serves half its throughput from 2 s
    // after its start (ramp: 0.5 from t = 2 s). A request at 1.5 s is held until 3 s, then served at half speed:
    // latency 3 - 1.5 + 2 x l(1). Without the ramp it waits until 11 s.
    double[] times = {1.5};
    AutoscalingPolicy one = policy("one", o -> new int[] {1});
    TransitionPlanner.Ramp ramp = new TransitionPlanner.Ramp(new double[] {2}, new double[] {0.5});
    SimResult live = ClusterSimulator.run(List.of(InstanceSpec.of("A100", RESNET50, 32)), new int[] {0},
        fromTimes(times), one, new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {10}, null, ramp, 1));
    assertEquals(1.5 + 2 * RESNET50.seconds(1), live.percentileSeconds(100), 1.5e-3);
    SimResult step = ClusterSimulator.run(List.of(InstanceSpec.of("A100", RESNET50, 32)), new int[] {0},
        fromTimes(times), one, new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {10}, 1));
    assertEquals(11 - 1.5 + RESNET50.seconds(1), step.percentileSeconds(100), 1e-2);
  }

  @Test
  void hostsLimitStartsAndGrowth() {
    // Two hosts of 2 GPUs, one-GPU instances: the policy wants 5 from its decision at 1 s; 4 fit (host 0 takes the
    // initial one and one more, host 1 two), the fifth is refused at every decision.
    InstanceSpec one = InstanceSpec.of("A100", RESNET50, 32);
    SimResult r = ClusterSimulator.run(List.of(one), new int[] {1}, fromTimes(new double[] {0.5, 2.5}),
        policy("five", o -> new int[] {5}), new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {1}, 1),
        new ClusterSimulator.Hosts(2, 2));
    assertEquals(4, r.events().stream().filter(e -> e.kind() == ScalingEvent.Kind.START).count());
    assertEquals(new ScalingEvent(1, ScalingEvent.Kind.REFUSED, 0, -1), r.events().stream()
        .filter(e -> e.kind() == ScalingEvent.Kind.REFUSED).findFirst().orElseThrow());
    // Growing in place needs room on the instance's own host: one host of 3 GPUs grows a 1-GPU instance to 3 of the
    // 4 servers it was asked for.
    List<InstanceSpec> sizes = List.of(one, one.withServers(4));
    SimResult g = ClusterSimulator.run(sizes, new int[] {1, 0}, fromTimes(new double[] {0.5, 2.5}),
        policy("grow", o -> new int[] {0, 1}), new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1,
            new double[] {1, 1}, new double[] {0.1, 0.1}, 1), new ClusterSimulator.Hosts(1, 3));
    assertTrue(g.events().stream().anyMatch(e -> e.kind() == ScalingEvent.Kind.REFUSED && e.instance() == 0));
    // GPUs: 1 from 0 to the end, 2 more from 1 s.
    double end = g.simulatedSeconds();
    assertEquals(end + 2 * (end - 1), g.gpuSeconds(), 1e-9);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ClusterSimulator.run(
        List.of(one.withServers(4)), new int[] {1}, fromTimes(new double[] {1}), AutoscalingPolicy.fixed(),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {1}, 1), new ClusterSimulator.Hosts(2, 2)));
    assertTrue(e.getMessage().contains("do not fit the hosts"), e.getMessage());
  }

  @Test
  void badInputNamesTheValue() {
    InstanceSpec a = InstanceSpec.of("A100", RESNET50, 8);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> InstanceSpec.of("big", RESNET50, 256));
    assertTrue(e.getMessage().contains("max batch of instance 'big' (256)"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new ClusterSimulator.Options(Slo.of(99, 1), -1, 1, 1,
        new double[] {0}, 1));
    assertTrue(e.getMessage().contains("warm-up"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> ClusterSimulator.run(List.of(a), new int[] {1, 1},
        Arrivals.poisson(1, 1, 1), AutoscalingPolicy.fixed(),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {0}, 1)));
    assertTrue(e.getMessage().contains("one entry per catalog entry"), e.getMessage());
    IllegalStateException s = assertThrows(IllegalStateException.class, () -> ClusterSimulator.run(List.of(a),
        new int[] {1}, Arrivals.poisson(1, 5, 1), policy("bad", o -> new int[] {-1}),
        new ClusterSimulator.Options(Slo.of(99, 1), 0, 1, 1, new double[] {0}, 1)));
    assertTrue(s.getMessage().contains("Policy 'bad' wants -1"), s.getMessage());
  }

  static AutoscalingPolicy policy(String name, java.util.function.Function<Observation, int[]> f) {
    return new AutoscalingPolicy() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public int[] decide(Observation o) {
        return f.apply(o);
      }
    };
  }

  static ArrivalStream fromTimes(double[] times) {
    return new ArrivalStream() {
      int at = -1;

      @Override
      public boolean advance() {
        return ++at < times.length;
      }

      @Override
      public double seconds() {
        return times[at];
      }
    };
  }
}
