package dev.scaleplan.solvers.scaling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.queueing.Capacity;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class OptionCatalogTest {
  private static final LatencyProfile RESNET = ExampleProfiles.resnet50();

  @Test
  void optionsCarryTheQueueingModulesCapacity() {
    Slo slo = Slo.of(99, 0.025);
    OptionCatalog.Catalog c = OptionCatalog.build(RESNET, slo,
        OptionCatalog.Spec.defaults().withReplicas(List.of(1, 2)).withGpuTypes(Set.of("a100-80gb")));
    assertEquals(2, c.options().size());
    InstanceOption one = c.options().get(0);
    assertEquals("A100-80GB", one.gpuType());
    // Independent: the capacity search on the same replica, and every other batch cap does no better.
    var latency = RESNET.require("A100-80GB", 1, Phase.BATCH).toBatchLatency(LatencyCurve.Statistic.MEAN);
    double direct = Capacity.of(InstanceConfig.of(1, one.maxBatch(), latency), slo).maxRatePerSecond();
    assertEquals(direct, one.capacityPerSecond(), 0);
    for (int b : new int[] {1, 2, 4, 8, 16, 32, 64, 128}) {
      assertTrue(Capacity.of(InstanceConfig.of(1, b, latency), slo).maxRatePerSecond() <= direct, "B " + b);
    }
    assertEquals(2 * direct, c.options().get(1).capacityPerSecond(), 0);
    assertEquals(2, c.options().get(1).gpus());
    assertTrue(one.sameFamily(c.options().get(1)));
  }

  @Test
  void anSloBelowTheFastestBatchRejectsEveryConfigurationWithTheReason() {
    // The fastest single request on any GPU of the profile is A100 batch 1, 2.128 ms (mean): 2 ms cannot be met.
    OptionCatalog.Catalog c = OptionCatalog.build(RESNET, Slo.of(99, 0.002), OptionCatalog.Spec.defaults());
    assertTrue(c.options().isEmpty());
    assertEquals(4, c.rejected().size());
    assertTrue(c.whyEmpty().contains("no queueing"), c.whyEmpty());
    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(c.options(), 100, c.slo()));
    assertEquals(ScalingPlan.Status.INFEASIBLE, plan.status());
  }

  @Test
  void plansOnTheRealProfileMeetTheSloAtTheirShares() {
    Slo slo = Slo.of(99, 0.025);
    OptionCatalog.Catalog c = OptionCatalog.build(RESNET, slo, OptionCatalog.Spec.defaults());
    for (double rate : new double[] {500, 3_000, 20_000, 100_000}) {
      ScalingPlan plan = TargetDp.solve(ScalingProblem.of(c.options(), rate, slo));
      assertTrue(plan.feasible());
      double sum = 0;
      for (PlanCheck.InstanceShare s : PlanCheck.shares(plan)) {
        assertTrue(s.meetsSlo(), rate + ": " + s);
        assertTrue(s.sharePerSecond() <= s.group().option().capacityPerSecond() * (1 + 1e-12));
        sum += s.sharePerSecond() * s.group().count();
      }
      assertEquals(rate, sum, rate * 1e-12);
    }
  }
}
