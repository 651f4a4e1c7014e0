package dev.scaleplan.solvers.scaling;

import static dev.scaleplan.solvers.scaling.Options.option;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.Slo;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class TargetDpTest {
  private static final Slo SLO = Slo.of(99, 0.05);

  @Test
  void choosesTheCheaperMixByHand() {
    // By hand: demand 250. One 4-GPU instance (220) + one 1-GPU (100) = 5 GPUs covers 320;
    // three 1-GPU = 300 also covers with 3 GPUs, the minimum (two give 200 < 250; one 2-GPU 180 + one 1-GPU 100 = 3).
    // Among 3-GPU plans the DP keeps the largest capacity: 3 x 1-GPU = 300 beats 2-GPU + 1-GPU = 280.
    var a = option("A", 1, 1, 100);
    var b = option("A", 1, 2, 180);
    var c = option("A", 1, 4, 220);
    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(List.of(a, b, c), 250, SLO));
    assertEquals(ScalingPlan.Status.OPTIMAL, plan.status());
    assertEquals(3, plan.totalGpus());
    assertEquals(300, plan.totalCapacityPerSecond(), 1e-9);
    assertEquals(List.of(new ScalingPlan.Group(a, 3, "")), plan.groups());
  }

  @Test
  void pricesChangeTheChoice() {
    // By hand: demand 200; A costs 3/GPU and gives 100 per GPU, B costs 1/GPU and gives 60 per GPU.
    // GPU count: 2 x A (2 GPUs). Prices: 4 x B costs 4 (240 >= 200) against 2 x A = 6.
    var a = option("A", 1, 1, 100);
    var b = option("B", 1, 1, 60);
    ScalingProblem p = ScalingProblem.of(List.of(a, b), 200, SLO);
    assertEquals(2, TargetDp.solve(p).totalCost(), 0);
    ScalingPlan priced = TargetDp.solve(p.withCosts(CostModel.prices(Map.of("A", 3.0, "B", 1.0))));
    assertEquals(4, priced.totalCost(), 1e-12);
    assertEquals(List.of(new ScalingPlan.Group(b, 4, "")), priced.groups());
  }

  @Test
  void minimumInstanceCountIsHonoured() {
    // One 8-GPU instance covers the demand alone; at least 3 instances forces smaller ones.
    var small = option("A", 1, 1, 100);
    var big = option("A", 1, 8, 1000);
    ScalingProblem p = ScalingProblem.of(List.of(small, big), 900, SLO);
    assertEquals(8, TargetDp.solve(p).totalGpus()); // 9 x small would be 9 GPUs
    ScalingPlan three = TargetDp.solve(p.withMinInstances(3));
    assertTrue(three.instanceCount() >= 3);
    assertEquals(9, three.totalGpus()); // 9 x small, the only way to 3 instances under 10 GPUs covering 900
  }

  @Test
  void infeasibleResultsSayWhy() {
    var a = option("A", 1, 1, 100);
    for (double rate : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
      ScalingPlan plan = TargetDp.solve(ScalingProblem.of(List.of(a), rate, SLO));
      assertEquals(ScalingPlan.Status.INFEASIBLE, plan.status(), "rate " + rate);
      assertTrue(plan.reason().contains("rate"), plan.reason());
    }
    ScalingPlan none = TargetDp.solve(ScalingProblem.of(List.of(), 10, SLO));
    assertFalse(none.feasible());
    ScalingPlan poor = TargetDp.solve(ScalingProblem.of(List.of(a), 1000, SLO).withBudget(9));
    assertFalse(poor.feasible());
    assertTrue(poor.reason().contains("budget"), poor.reason());
    assertTrue(TargetDp.solve(ScalingProblem.of(List.of(a), 1000, SLO).withBudget(10)).feasible());
  }

  @Test
  void equalsBruteForceOnSmallCases() {
    // Independent check: enumerate every count vector up to the bound on 3,000 random small problems.
    SplittableRandom rng = new SplittableRandom(20261201);
    for (int t = 0; t < 3000; t++) {
      int n = 1 + rng.nextInt(4);
      InstanceOption[] opts = new InstanceOption[n];
      for (int i = 0; i < n; i++) {
        opts[i] = option(rng.nextBoolean() ? "A" : "B", 1 << rng.nextInt(2), 1 + rng.nextInt(3),
            Math.round(rng.nextDouble(1, 100) * 1000) / 1000.0);
      }
      double rate = Math.round(rng.nextDouble(1, 400) * 1000) / 1000.0;
      int min = rng.nextInt(3);
      ScalingProblem p = new ScalingProblem(List.of(opts), rate, SLO, 1 + rng.nextInt(3) * 0.1, min,
          rng.nextBoolean() ? CostModel.gpus() : CostModel.prices(Map.of("A", 2.5, "B", 1.25)),
          rng.nextInt(4) == 0 ? java.util.OptionalDouble.of(rng.nextInt(40)) : java.util.OptionalDouble.empty());
      ScalingPlan plan = TargetDp.solve(p);
      long brute = BruteForce.minCostUnits(p);
      if (brute < 0) {
        assertFalse(plan.feasible(), "case " + t + ": " + p);
      } else {
        assertTrue(plan.feasible(), "case " + t + ": " + p + " " + plan.reason());
        assertEquals(brute, plan.totalCostUnits(), "case " + t + ": " + p);
        assertTrue(plan.totalCapacityUnits() >= p.demandUnits());
        assertTrue(plan.instanceCount() >= min);
      }
    }
  }

  @Test
  void productsCompareWithoutOverflow() {
    // 3e18 x 4 overflows a long; the 128-bit comparison still orders it against 1e19 (just above 2^63).
    assertTrue(TargetDp.compareProducts(3_000_000_000_000_000_000L, 4, 1_000_000_000_000_000_000L, 10) > 0);
    assertEquals(0, TargetDp.compareProducts(6, 7, 21, 2));
    assertTrue(TargetDp.compareProducts(Long.MAX_VALUE, 2, Long.MAX_VALUE, 3) < 0);
  }

  @Test
  void largeDemandsStayExactAndFast() {
    // By hand: per GPU, A gives 100 (ratio 100) and B 3 x 70 / 2 = 105 per GPU (B is 2 GPUs for 210).
    // Demand 1,000,050: 4,762 B give 1,000,020, 30 short; one more A (100) covers it: 9,524 + 1 = 9,525 GPUs,
    // against 4,763 B = 9,526 GPUs. The exchange reduction searches only A counts below 2 here.
    var a = option("A", 1, 1, 100);
    var b = option("A", 1, 2, 210);
    ScalingPlan plan = TargetDp.solve(ScalingProblem.of(List.of(a, b), 1_000_050, SLO));
    assertEquals(9_525, plan.totalGpus());
    assertTrue(plan.totalCapacityPerSecond() >= 1_000_050);
    assertEquals(BruteForce.minCostUnits(ScalingProblem.of(List.of(a, b), 1_050, SLO)),
        TargetDp.solve(ScalingProblem.of(List.of(a, b), 1_050, SLO)).totalCostUnits());
  }
}
