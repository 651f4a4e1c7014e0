package dev.scaleplan.solvers.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.ilp.PlacementIlp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Seeded random placement problems: every placement returned fits memory and meets every SLO at the queueing
 * module's figures, the ILP never uses more GPUs than the heuristic, and on tiny cases the ILP equals an exhaustive
 * search over the same space ({@link BruteForcePlacer}).
 */
class PlacementPropertiesTest {
  private static final long SEED = Long.getLong("scaleplan.seed", 20261201L);
  private static final int CASES = 150;
  private static final List<Double> CYCLES = List.of(0.004, 0.008, 0.016, 0.032);

  @Test
  void placementsAreValidTheIlpIsNoWorseAndEqualsBruteForce() {
    SplittableRandom root = new SplittableRandom(SEED);
    int optimalAgreements = 0;
    int sharedSeen = 0;
    for (int n = 0; n < CASES; n++) {
      long seed = root.nextLong();
      PlacementProblem problem = random(new SplittableRandom(seed));
      String where = "seed " + seed + " (root " + SEED + ", case " + n + "): " + problem;
      Candidates c = Candidates.of(problem);
      Placement greedy = GreedyPlacer.place(c);
      Placement ilp = PlacementIlp.solve(c, new IlpOptions(20, 1, 1));
      BruteForcePlacer.Result brute = BruteForcePlacer.solve(c);
      for (Placement p : List.of(greedy, ilp)) {
        if (p.status().placed()) {
          assertValid(problem, p, where);
          assertTrue(p.gpusUsed() >= brute.gpus(), "beats the exhaustive optimum: " + p + " " + where);
          sharedSeen += p.sharedGpus().size();
        }
      }
      if (greedy.status().placed()) {
        assertTrue(ilp.status().placed() && ilp.gpusUsed() <= greedy.gpusUsed(), "ILP " + ilp + " vs " + greedy
            + " " + where);
      }
      assertEquals(Placement.Status.OPTIMAL, brute.gpus() < 0 ? Placement.Status.OPTIMAL : ilp.status(), where);
      if (brute.gpus() < 0) {
        assertEquals(Placement.Status.INFEASIBLE, ilp.status(), "brute force finds none: " + ilp + " " + where);
      } else {
        assertEquals(brute.gpus(), ilp.gpusUsed(), where);
        optimalAgreements++;
      }
    }
    assertTrue(optimalAgreements >= CASES / 2, "too few feasible cases: " + optimalAgreements);
    assertTrue(sharedSeen > 0, "no case shared a GPU; the generator does not exercise sharing");
  }

  static void assertValid(PlacementProblem problem, Placement p, String where) {
    assertEquals(List.of(), PlacementCheck.sharedGpuProblems(problem, p), where);
    for (PlacementCheck.Prediction prediction : PlacementCheck.predict(problem, p)) {
      assertTrue(prediction.meets(), prediction + " " + where);
    }
    long gpus = p.sharedGpus().size();
    Map<String, Integer> perGroup = new java.util.HashMap<>();
    for (Placement.SharedGpu s : p.sharedGpus()) {
      perGroup.merge(s.group(), 1, Integer::sum);
    }
    for (int i = 0; i < problem.models().size(); i++) {
      Placement.Assignment a = p.models().get(i);
      ModelDemand m = problem.models().get(i);
      assertEquals(m.name(), a.model(), where);
      gpus += a.dedicatedGpus();
      if (a.dedicatedGpus() > 0) {
        perGroup.merge(a.group(), a.dedicatedGpus(), Integer::sum);
      }
      double served = a.dedicatedGpus() * a.ratePerDedicatedGpu() + a.sharedRate();
      assertEquals(m.ratePerSecond(), served, 1e-9 * Math.max(1, m.ratePerSecond()), "rate of " + m.name() + " "
          + where);
      GpuGroup group = problem.groups().stream().filter(g -> g.name().equals(a.group())).findFirst().orElse(null);
      if (m.ratePerSecond() > 0) {
        assertTrue(group != null && m.memoryBytes() <= group.memoryBytesPerGpu(), where);
      }
    }
    assertEquals(p.gpusUsed(), gpus, where);
    for (GpuGroup g : problem.groups()) {
      assertTrue(perGroup.getOrDefault(g.name(), 0) <= g.gpus(), "group " + g.name() + " overfull " + where);
    }
  }

  /** 1 to 4 models, 1 or 2 groups, affine-like tabulated latencies, rates from idle to a few GPUs' worth. */
  static PlacementProblem random(SplittableRandom r) {
    int groups = 1 + r.nextInt(2);
    List<GpuGroup> gs = new ArrayList<>();
    String[] types = {"fast", "slow"};
    for (int g = 0; g < groups; g++) {
      gs.add(new GpuGroup("g" + g, types[g], 1 + r.nextInt(4), (1 + r.nextInt(4)) * 1_000L));
    }
    int models = 1 + r.nextInt(4);
    List<ModelDemand> ms = new ArrayList<>();
    for (int i = 0; i < models; i++) {
      double fixed = 0.001 + 0.002 * r.nextDouble();
      double perItem = 0.0002 + 0.0008 * r.nextDouble();
      Map<String, BatchLatency> latency = new java.util.HashMap<>();
      latency.put("fast", table(fixed, perItem));
      if (r.nextBoolean()) {
        latency.put("slow", table(fixed * 2, perItem * 2));
      }
      double slo = 0.010 + 0.060 * r.nextDouble();
      double rate = r.nextInt(10) == 0 ? 0 : Math.exp(Math.log(5) + r.nextDouble() * Math.log(600));
      ms.add(new ModelDemand("m" + i, latency, (1 + r.nextInt(3)) * 700L, rate, Slo.of(99, slo)));
    }
    return new PlacementProblem(ms, gs, CYCLES, true);
  }

  private static BatchLatency table(double fixed, double perItem) {
    int[] b = {1, 2, 4, 8, 16};
    double[] s = new double[b.length];
    for (int i = 0; i < b.length; i++) {
      s[i] = fixed + perItem * b[i];
    }
    return new BatchLatency.Tabulated(b, s);
  }
}
