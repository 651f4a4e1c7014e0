package dev.scaleplan.solvers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.solvers.ilp.CpSatPlanner;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.CostModel;
import dev.scaleplan.solvers.scaling.Deployment;
import dev.scaleplan.solvers.scaling.OptionCatalog;
import dev.scaleplan.solvers.scaling.PlanCheck;
import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import dev.scaleplan.solvers.scaling.TargetDp;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import org.junit.jupiter.api.Test;

/** The README's library example, line for line, so that it keeps compiling and says what it claims. */
class ReadmeExampleTest {
  @Test
  void theReadmeExampleRuns() {
    Slo slo = Slo.of(99, 0.025);
    OptionCatalog.Catalog catalog = OptionCatalog.build(ExampleProfiles.resnet50(), slo,
        OptionCatalog.Spec.defaults());

    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(catalog.options(), 10_000, slo));
    assertTrue(plan.feasible());
    assertEquals(4, plan.totalCost(), 0); // the README's comment
    assertTrue(PlanCheck.shares(plan).stream().allMatch(PlanCheck.InstanceShare::meetsSlo));

    Cluster cluster = Cluster.uniform("a", "A100-80GB", 4, 8).plus(Cluster.uniform("t", "T4", 8, 4));
    ScalingProblem priced = ScalingProblem.of(cluster.holdable(catalog.options()), 20_000, slo)
        .withCosts(CostModel.prices(java.util.Map.of("A100-80GB", 3.40, "T4", 0.35))).withBudget(20);
    ScalingPlan onHosts = CpSatPlanner.solve(priced, cluster, new IlpOptions(5, 1, 2));
    assertEquals(ScalingPlan.Status.OPTIMAL, onHosts.status());

    Deployment now = new Deployment(cluster, java.util.List.of(
        new Deployment.Running("r1", "a-0", catalog.options().get(0))));
    TransitionPlanner.Transition t = TransitionPlanner.plan(now, priced, TransitionPlanner.Timing.defaults());
    assertFalse(t.surge().actions().isEmpty());
    assertTrue(t.surge().excessRequests() > 0);
    assertTrue(t.covers());
  }
}
