package dev.scaleplan.testkit.properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.gen.Gen;
import dev.scaleplan.testkit.gen.Property;
import dev.scaleplan.testkit.gen.SimGens;
import dev.scaleplan.testkit.policy.KnativeKpa;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.testkit.sim.ClusterSimulator;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.testkit.sim.ScalingEvent;
import dev.scaleplan.testkit.sim.SimResult;
import dev.scaleplan.testkit.trace.ArrivalStream;
import java.util.Arrays;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The simulator's bookkeeping on generated deployments and workloads: every arrival is served or dropped exactly once,
 * the timeline adds up to the totals, GPU-seconds equal the instances' lifetimes, latencies are at least one batch
 * of one, and the same seed replays the same run.
 */
class SimulatorPropertiesTest {
  record Scenario(InstanceSpec spec, Supplier<ArrivalStream> workload, int initial, boolean autoscale,
      boolean live) {}

  static final Gen<Scenario> SCENARIOS = (rng, size) -> new Scenario(SimGens.instances().generate(rng, size),
      SimGens.workloads(400).generate(rng, size), rng.nextInt(3), rng.nextBoolean(), rng.nextBoolean());

  /** Live scaling: a loading instance serves 20% of its throughput from 0.1 s and 60% from 0.3 s. */
  static final TransitionPlanner.Ramp RAMP = new TransitionPlanner.Ramp(new double[] {0.1, 0.3},
      new double[] {0.2, 0.6});

  @TestFactory
  Stream<DynamicTest> bookkeepingHolds() {
    return Property.cases("simulator bookkeeping", SCENARIOS, 150, s -> {
      ClusterSimulator.Options options = new ClusterSimulator.Options(Slo.of(99, 0.05), 0, 1, 2,
          new double[] {0.5}, null, s.live() ? RAMP : null, 11);
      AutoscalingPolicy policy = s.autoscale() ? new KnativeKpa(8, 20) : AutoscalingPolicy.fixed();
      int initial = s.autoscale() ? s.initial() : Math.max(1, s.initial());
      SimResult r = ClusterSimulator.run(List.of(s.spec()), new int[] {initial}, s.workload().get(), policy,
          options);
      long arrivals = 0;
      try (ArrivalStream a = s.workload().get()) {
        while (a.advance()) {
          arrivals++;
        }
      }
      assertEquals(arrivals, r.requests());
      assertEquals(arrivals, r.served() + r.dropped(), "served or dropped exactly once");
      assertEquals(r.served(), r.latencies().getTotalCount());
      assertEquals(arrivals, Arrays.stream(r.timeline().arrivals()).sum());
      assertEquals(r.served(), Arrays.stream(r.timeline().completions()).sum());
      assertEquals(r.gpuSeconds(), Arrays.stream(r.timeline().gpuSeconds()).sum(), 1e-6 * (1 + r.gpuSeconds()));
      double lifetimes = 0;
      double[] started = new double[1 + r.events().stream().mapToInt(ScalingEvent::instance).max().orElse(0)];
      for (ScalingEvent e : r.events()) {
        if (e.kind() == ScalingEvent.Kind.START) {
          started[e.instance()] = e.seconds();
        } else if (e.kind() == ScalingEvent.Kind.STOP) {
          lifetimes += (e.seconds() - started[e.instance()]) * s.spec().gpus();
        }
      }
      assertEquals(lifetimes, r.gpuSeconds(), 1e-6 * (1 + lifetimes));
      if (r.served() > 0) {
        // No request finishes faster than a batch of one (HdrHistogram rounds down by at most 0.1%).
        assertTrue(r.percentileSeconds(0) >= s.spec().latency().seconds(1) * 0.999, r.percentileSeconds(0) + "");
      }
      assertTrue(r.attainment() >= 0 && r.attainment() <= 1);
      SimResult again = ClusterSimulator.run(List.of(s.spec()), new int[] {initial}, s.workload().get(),
          s.autoscale() ? new KnativeKpa(8, 20) : AutoscalingPolicy.fixed(), options);
      assertEquals(r.violations(), again.violations(), "the same seed replays the same run");
      assertEquals(r.gpuSeconds(), again.gpuSeconds());
    }).map(c -> DynamicTest.dynamicTest(c.name(), c::run));
  }
}
