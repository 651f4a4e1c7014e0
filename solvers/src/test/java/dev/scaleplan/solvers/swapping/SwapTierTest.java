package dev.scaleplan.solvers.swapping;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.solvers.placement.Candidates;
import dev.scaleplan.solvers.placement.ExampleModels;
import dev.scaleplan.solvers.placement.GpuGroup;
import dev.scaleplan.solvers.placement.GreedyPlacer;
import dev.scaleplan.solvers.placement.ModelDemand;
import dev.scaleplan.solvers.placement.Placement;
import dev.scaleplan.solvers.placement.PlacementCheck;
import dev.scaleplan.solvers.placement.PlacementProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;

class SwapTierTest {
  /** 128 T4s (16 GiB), the example's GPU type. */
  static final List<GpuGroup> T4S = List.of(new GpuGroup("t4", "T4", 128, 16L << 30));
  /** Clockwork's measured PCIe 3 host-to-GPU rate (102.3 MB in 8.372 ms); T4s sit on PCIe 3. */
  static final SwapTier.Options OPTIONS = new SwapTier.Options("t4", 102.3e6 / 8.372e-3, 1.2, 50);

  @Test
  void coldModelsOnATierTakeFewerGpusAndEveryHalfChecksOut() {
    // The README's worked example: 100 ResNet-50 copies (512 MiB each) at Zipf rates summing to 200 req/s.
    PlacementProblem problem = new PlacementProblem(ExampleModels.zipf(100, 200), T4S,
        PlacementProblem.DEFAULT_CYCLES, true);
    SwapTier.Result r = SwapTier.plan(problem, OPTIONS);
    Placement sharingOnly = GreedyPlacer.place(Candidates.of(problem));
    assertEquals(sharingOnly.gpusUsed(), r.placementOnlyGpus());
    assertTrue(r.feasible());
    assertTrue(r.totalGpus() < r.placementOnlyGpus(), r.totalGpus() + " vs " + r.placementOnlyGpus());
    assertTrue(r.swappedModels() > 0 && r.swappedModels() < 100, "" + r.swappedModels());
    // The tier's models are the coldest.
    double coldestHot = r.placementProblem().models().stream().mapToDouble(ModelDemand::ratePerSecond).min()
        .orElseThrow();
    assertTrue(r.tierModels().stream().allMatch(m -> m.ratePerSecond() <= coldestHot));
    // The placement half meets every SLO by the queueing module's figures.
    List<PlacementCheck.Prediction> predictions = PlacementCheck.predict(r.placementProblem(), r.placement());
    assertTrue(predictions.stream().allMatch(PlacementCheck.Prediction::meets), predictions.toString());
    assertEquals(r.totalGpus(), r.placement().gpusUsed() + r.tierGpus());
    // The tier half: every model meets, and the simulator does not contradict it.
    assertEquals(r.swappedModels(), r.swapPlan().meetingSlo());
    SwapNode node = SwapNode.of(r.tierGpus(), 16L << 30, OPTIONS.hostToGpuBytesPerSecond(),
        OPTIONS.interferenceFactor());
    SwapPlannerTest.checkAgainstSimulator(node, r.tierModels(), r.swapPlan(), 2000, 3);
    // Fewest tier GPUs: one fewer does not serve them all.
    if (r.tierGpus() > 1) {
      SwapPlan fewer = SwapPlanner.plan(SwapNode.of(r.tierGpus() - 1, 16L << 30, OPTIONS.hostToGpuBytesPerSecond(),
          OPTIONS.interferenceFactor()), r.tierModels());
      assertTrue(fewer.meetingSlo() < r.swappedModels(), fewer.toString());
    }
  }

  @Test
  void theSearchFindsTheBestSplitOfExhaustiveEnumeration() {
    // Every split k, recomputed from scratch: fresh candidates for the hot models, the tier from one GPU up.
    for (double total : new double[] {50, 400, 2000}) {
      List<ModelDemand> models = ExampleModels.zipf(12, total);
      PlacementProblem problem = new PlacementProblem(models, T4S, PlacementProblem.DEFAULT_CYCLES, true);
      List<ModelDemand> coldestFirst = new ArrayList<>(models);
      coldestFirst.sort(Comparator.comparingDouble(ModelDemand::ratePerSecond));
      long best = Long.MAX_VALUE;
      for (int k = 0; k <= models.size(); k++) {
        List<ModelDemand> cold = coldestFirst.subList(0, k);
        List<ModelDemand> hot = coldestFirst.subList(k, models.size());
        long used = 0;
        if (!hot.isEmpty()) {
          Placement p = GreedyPlacer.place(Candidates.of(new PlacementProblem(hot, T4S,
              PlacementProblem.DEFAULT_CYCLES, true)));
          assertTrue(p.status().placed());
          used = p.gpusUsed();
        }
        int tier = 0;
        if (k > 0) {
          List<SwapModel> swap = SwapTier.swapModels(cold, T4S.get(0), OPTIONS);
          for (tier = 1; tier <= k; tier++) {
            SwapPlan plan = SwapPlanner.plan(SwapNode.of(tier, 16L << 30, OPTIONS.hostToGpuBytesPerSecond(),
                OPTIONS.interferenceFactor()), swap);
            if (plan.status() == SwapPlan.Status.PLANNED && plan.meetingSlo() == k) {
              break;
            }
          }
          if (tier > k) {
            continue;
          }
        }
        best = Math.min(best, used + tier);
      }
      SwapTier.Result r = SwapTier.plan(problem, OPTIONS);
      // The search prunes splits that cannot win and skips the improvement pass far from feasibility; it must still
      // land on the best split of the exhaustive enumeration.
      assertEquals(best, r.totalGpus(), "at " + total + " req/s");
    }
  }

  @Test
  void allOnTheTierLeavesNoPlacement() {
    // 20 models at 20 req/s in all fit on one T4 as a swapping node: no placement half.
    PlacementProblem problem = new PlacementProblem(ExampleModels.zipf(20, 20), T4S,
        PlacementProblem.DEFAULT_CYCLES, true);
    SwapTier.Result r = SwapTier.plan(problem, OPTIONS);
    assertEquals(20, r.swappedModels());
    assertNull(r.placement());
    assertNull(r.placementProblem());
    assertEquals(1, r.totalGpus());
  }

  @Test
  void badInputNamesTheValue() {
    PlacementProblem problem = new PlacementProblem(ExampleModels.zipf(3, 10), T4S, PlacementProblem.DEFAULT_CYCLES,
        true);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> SwapTier.plan(problem, new SwapTier.Options("a100", 1e10, 1, 50)));
    assertTrue(e.getMessage().contains("'a100'") && e.getMessage().contains("[t4]"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SwapTier.Options("t4", Double.NaN, 1, 50));
    assertTrue(e.getMessage().contains("bandwidth"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SwapTier.Options("t4", 1e10, 0.5, 50));
    assertTrue(e.getMessage().contains("interference"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new SwapTier.Options("t4", 1e10, 1, 0));
    assertTrue(e.getMessage().contains("layers"), e.getMessage());
    assertFalse(e.getMessage().isBlank());
  }
}
