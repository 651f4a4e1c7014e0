package dev.scaleplan.solvers.scaling;

import static dev.scaleplan.solvers.scaling.Options.option;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.ilp.CpSatPlanner;
import dev.scaleplan.solvers.ilp.IlpOptions;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** Inputs a review found wrong answers or crashes for; each stays here so the fix stays. */
class ReviewRegressionTest {
  private static final Slo SLO = Slo.of(99, 0.025);
  private static final IlpOptions ILP = new IlpOptions(10, 1, 1);

  @Test
  void aBudgetEqualToTheCostIsEnough() {
    // 4 GPUs at 419.53 cost exactly 1,678.12; floating-point floor once made the budget 1,678.1199.
    InstanceOption a = option("A100", 1, 4, 1000);
    ScalingProblem p = ScalingProblem.of(List.of(a), 900, SLO)
        .withCosts(CostModel.prices(Map.of("A100", 419.53))).withBudget(1678.12);
    assertTrue(TargetDp.solve(p).feasible());
    assertTrue(CpSatPlanner.solve(p, Cluster.uniform("h", "A100", 1, 8), ILP).feasible());
  }

  @Test
  void pricesMustBeWholeMultiplesOfTheResolution() {
    for (double bad : new double[] {5e-11, 1000000.00005, 0.00001}) {
      assertThrows(IllegalArgumentException.class, () -> CostModel.prices(Map.of("A", bad)), "price " + bad);
    }
    assertThrows(IllegalArgumentException.class, () -> CostModel.prices(Map.of("A", 1.0, "a", 2.0)));
  }

  @Test
  void hugeDemandsAreUnknownNotAWrongOptimum() {
    // One option of 0.001 req/s at 1e7 req/s would need 1e10 instances: more than a plan can list.
    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(List.of(option("A", 1, 1, 0.001)), 1e7, SLO));
    assertEquals(ScalingPlan.Status.UNKNOWN, plan.status());
    assertTrue(plan.reason().contains("instances"), plan.reason());
    ScalingPlan huge = TargetDp.solve(ScalingProblem.of(List.of(option("A", 1, 1, 0.001)), 1e9, SLO));
    assertFalse(huge.feasible());
  }

  @Test
  void aHugeMinimumCountIsRefusedNotAnOutOfMemoryError() {
    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(List.of(option("A", 1, 1, 100)), 1000, SLO)
        .withMinInstances(1_300_000_000));
    assertEquals(ScalingPlan.Status.UNKNOWN, plan.status());
  }

  @Test
  void theIlpKeepsZeroCapacityPatternsThatTheMinimumCountNeeds() {
    // Hosts B/2 GPUs and B/1 GPU; options B 2 GPUs at 0.004 and B 1 GPU at 0.0004 (0 units); rate 0.004, at least
    // 2 instances: the 2-GPU one covers the demand and the 1-GPU one makes the count, cost 3 (found by brute force).
    ScalingProblem p = new ScalingProblem(List.of(option("B", 1, 2, 0.004), option("B", 1, 1, 0.0004)), 0.004,
        SLO, 1, 2, CostModel.gpus(), OptionalDouble.empty());
    Cluster c = new Cluster(List.of(new Cluster.Host("b2", "B", 2), new Cluster.Host("b1", "B", 1)));
    ScalingPlan plan = CpSatPlanner.solve(p, c, ILP);
    assertEquals(ScalingPlan.Status.OPTIMAL, plan.status(), plan.reason());
    assertEquals(3, plan.totalCostUnits());
    assertEquals(3, TargetDp.solve(p).totalCostUnits());
  }

  @Test
  void theTooSmallCheckDoesNotOverflow() {
    ScalingProblem p = ScalingProblem.of(List.of(option("A", 1, 8, 1e12)), 1e11, SLO);
    ScalingPlan plan = CpSatPlanner.solve(p, Cluster.uniform("h", "A", 2000, 8), ILP);
    assertFalse(plan.reason().contains("-"), plan.reason());
  }

  @Test
  void theSurgeResidualIsNotRoundedUp() {
    // A 9-unit deficit that one 9-unit instance covers; 9 x 0.001 = 0.009000000000000001 once made it 10 units.
    Cluster cl = new Cluster(List.of(new Cluster.Host("h0", "A", 4)));
    InstanceOption running = option("A", 2, 1, 0.001);
    InstanceOption x = option("A", 1, 1, 0.009);
    InstanceOption y = option("A", 1, 2, 0.010);
    Deployment d = new Deployment(cl, List.of(new Deployment.Running("r1", "h0", running)));
    ScalingProblem p = new ScalingProblem(List.of(running, x, y), 0.010, SLO, 1, 1, CostModel.gpus(),
        OptionalDouble.empty());
    var t = TransitionPlanner.plan(d, p, new TransitionPlanner.Timing(2, 20, 300, 1));
    assertEquals(1, t.surge().actions().size(), t.surge().actions().toString());
    assertTrue(t.covers());
  }

  @Test
  void nothingServingIsNotCovered() {
    Deployment empty = new Deployment(Cluster.uniform("h", "B", 1, 8), List.of());
    var t = TransitionPlanner.plan(empty, ScalingProblem.of(List.of(option("A", 1, 1, 10)), 5, SLO),
        TransitionPlanner.Timing.defaults());
    assertFalse(t.covers());
  }

  @Test
  void coverageIsDecidedInTheSolversUnits() {
    // Running 0.7 req/s, an addition of 0.1, rate 0.8: 700 + 100 units cover 800 even though 0.7 + 0.1 < 0.8.
    Cluster cl = Cluster.uniform("h", "A", 1, 8);
    InstanceOption seven = option("A", 1, 1, 0.7);
    InstanceOption one = option("A", 1, 1, 0.1);
    Deployment d = new Deployment(cl, List.of(new Deployment.Running("r", "h-0", seven)));
    var t = TransitionPlanner.plan(d, ScalingProblem.of(List.of(one), 0.8, SLO),
        new TransitionPlanner.Timing(2, 20, 300, 1));
    assertTrue(t.covers());
    assertEquals(20, t.surge().coveredAtSeconds(), 0);
  }

  @Test
  void hostsHaveAtMostOneNvlinkDomainOfGpus() {
    assertThrows(IllegalArgumentException.class, () -> new Cluster.Host("big", "A", 100_000));
  }
}
