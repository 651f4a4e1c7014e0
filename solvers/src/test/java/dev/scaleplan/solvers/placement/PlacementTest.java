package dev.scaleplan.solvers.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.ilp.PlacementIlp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {
  private static final BatchLatency LATENCY = new BatchLatency.Tabulated(new int[] {1, 8}, new double[] {0.002, 0.004});

  private static ModelDemand model(String name, long bytes, double rate, double sloSeconds) {
    return new ModelDemand(name, Map.of("A", LATENCY), bytes, rate, Slo.of(99, sloSeconds));
  }

  @Test
  void theZipfExampleSharesGpusAndMeetsEverySlo() {
    PlacementProblem problem = PlacementProblem.of(ExampleModels.zipf(100, 20_000), ExampleModels.groups());
    Candidates c = Candidates.of(problem);
    Placement shared = GreedyPlacer.place(c);
    Placement dedicated = GreedyPlacer.place(problem.withSharing(false));
    assertTrue(shared.status().placed(), shared.reason());
    PlacementPropertiesTest.assertValid(problem, shared, "zipf example");
    PlacementPropertiesTest.assertValid(problem.withSharing(false), dedicated, "zipf example, dedicated");
    // Without sharing every model takes ceil(rate / C) whole GPUs: at least one each, 100 here.
    assertTrue(dedicated.gpusUsed() >= 100, "dedicated " + dedicated.gpusUsed());
    assertTrue(shared.gpusUsed() * 4 < dedicated.gpusUsed(), shared.gpusUsed() + " vs " + dedicated.gpusUsed());
    assertTrue(shared.gpusUsed() >= shared.lowerBound());
  }

  /** The warm-started sweeps give the same slot batches as a cold search per model and cycle. */
  @Test
  void sweptSlotBatchesEqualColdSearches() {
    PlacementProblem problem = PlacementProblem.of(ExampleModels.zipf(30, 3_000), ExampleModels.groups());
    Candidates c = Candidates.of(problem);
    int compared = 0;
    for (int i = 0; i < c.models(); i++) {
      for (int g = 0; g < c.groups(); g++) {
        Candidates.Fit f = c.fit(i, g);
        if (!f.eligible() || f.residualRate() == 0) {
          continue;
        }
        BatchLatency latency = problem.models().get(i).latencyByGpuType().get(problem.groups().get(g).gpuType());
        for (int d = 0; d < problem.cycleSeconds().size(); d++) {
          var cold = dev.scaleplan.queueing.SlotQueue.smallestBatch(f.residualRate(), problem.cycleSeconds().get(d),
              latency, problem.models().get(i).slo());
          assertEquals(cold.orElse(0), f.slotBatch()[d], "model " + i + " group " + g + " cycle " + d);
          compared += cold.isPresent() ? 1 : 0;
        }
      }
    }
    assertTrue(compared > 100, "compared " + compared);
  }

  @Test
  void withoutSharingEachModelTakesCeilOfRateOverCapacity() {
    PlacementProblem problem = new PlacementProblem(List.of(model("a", 10, 500, 0.05), model("b", 10, 1, 0.05)),
        List.of(new GpuGroup("g", "A", 10, 100)), PlacementProblem.DEFAULT_CYCLES, false);
    Candidates c = Candidates.of(problem);
    Placement p = GreedyPlacer.place(c);
    long expected = (long) Math.ceil(500 / c.fit(0, 0).gpuCapacity()) + 1; // b needs one GPU for 1 req/s
    assertEquals(expected, p.gpusUsed());
    assertEquals(Placement.Status.OPTIMAL, p.status()); // no sharing: the bound is the sum of the ceilings
    assertEquals(expected, PlacementIlp.solve(c, IlpOptions.defaults()).gpusUsed());
  }

  @Test
  void infeasibleIsAResultWithAReason() {
    List<GpuGroup> one = List.of(new GpuGroup("g", "A", 1, 100));
    Placement tooBig = GreedyPlacer.place(PlacementProblem.of(List.of(model("big", 1_000, 5, 0.05)), one));
    assertEquals(Placement.Status.INFEASIBLE, tooBig.status());
    assertTrue(tooBig.reason().contains("'big'") && tooBig.reason().contains("1000 bytes"), tooBig.reason());
    // l(1) = 2 ms alone exceeds a 1 ms SLO.
    Placement tooTight = PlacementIlp.solve(PlacementProblem.of(List.of(model("fast", 10, 5, 0.001)), one),
        IlpOptions.defaults());
    assertEquals(Placement.Status.INFEASIBLE, tooTight.status());
    assertTrue(tooTight.reason().contains("'fast'"), tooTight.reason());
    Placement tooMany = GreedyPlacer.place(PlacementProblem.of(List.of(model("hot", 10, 20_000, 0.05)), one));
    assertEquals(Placement.Status.INFEASIBLE, tooMany.status());
    assertTrue(tooMany.reason().contains("at least"), tooMany.reason());
  }

  @Test
  void idleModelsNeedNoGpu() {
    Placement p = GreedyPlacer.place(PlacementProblem.of(List.of(model("idle", 10, 0, 0.05)),
        List.of(new GpuGroup("g", "A", 1, 100))));
    assertEquals(0, p.gpusUsed());
    assertEquals("", p.models().get(0).group());
  }

  @Test
  void badInputNamesTheValue() {
    assertTrue(assertThrows(IllegalArgumentException.class, () -> model("x", 10, Double.NaN, 0.05)).getMessage()
        .contains("rate"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> model("x", 0, 1, 0.05)).getMessage()
        .contains("memoryBytes"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new GpuGroup("g", "A", 0, 1)).getMessage()
        .contains("gpus"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> PlacementProblem.of(
        List.of(model("x", 1, 1, 0.05), model("x", 1, 1, 0.05)), List.of(new GpuGroup("g", "A", 1, 1))))
        .getMessage().contains("'x'"));
    assertThrows(IllegalArgumentException.class, () -> new PlacementProblem(List.of(model("x", 1, 1, 0.05)),
        List.of(new GpuGroup("g", "A", 1, 1)), List.of(0.02, 0.01), true));
  }
}
