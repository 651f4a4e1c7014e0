package dev.scaleplan.solvers.placement;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The fast heuristic: Nexus's squishy bin packing (Shen et al., "Nexus: A GPU Cluster Engine for Accelerating
 * DNN-Based Video Analysis", SOSP 2019, §4.2, Algorithm 1), over the candidates' space.
 *
 * <ol>
 *   <li>Each model, largest need first, goes to the group where it needs the fewest GPUs (its dedicated GPUs plus its
 *       residual's least occupancy) among those with room left.
 *   <li>Each group's residuals, largest occupancy first, go best-fit into the group's shared GPUs: into the GPU that
 *       is fullest after taking it, at some duty cycle at which every model on it meets its SLO, the occupancies sum
 *       to at most one GPU and the memory fits; otherwise onto a new shared GPU. Each shared GPU finally runs the
 *       cycle with the least occupancy.
 * </ol>
 *
 * It takes {@code O(M log M + M S C)} for M models, S shared GPUs per group and C duty cycles, once the candidates are
 * computed. When it finds no placement it says so ({@link Placement.Status#UNKNOWN}) unless the candidates prove that
 * none exists ({@link Placement.Status#INFEASIBLE}).
 */
public final class GreedyPlacer {
  /** The solver's name in results. */
  public static final String NAME = "greedy";

  private GreedyPlacer() {}

  /** Places the problem's models. */
  public static Placement place(PlacementProblem problem) {
    return place(Candidates.of(problem));
  }

  /** Places the models of precomputed candidates. */
  public static Placement place(Candidates c) {
    long start = System.nanoTime();
    PlacementProblem problem = c.problem();
    int n = c.models();
    int groups = c.groups();
    long lowerBound = c.lowerBound();
    String impossible = Infeasibility.check(c, lowerBound);
    if (!impossible.isEmpty()) {
      return Placement.none(Placement.Status.INFEASIBLE, NAME, lowerBound, impossible, seconds(start));
    }
    long[] need = new long[n];
    for (int i = 0; i < n; i++) {
      need[i] = Long.MAX_VALUE;
      for (int g = 0; g < groups; g++) {
        need[i] = Math.min(need[i], units(c, i, g));
      }
    }
    Integer[] order = IntStream.range(0, n).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingLong((Integer i) -> -need[i]).thenComparingInt(i -> i));
    long[] free = new long[groups];
    for (int g = 0; g < groups; g++) {
      free[g] = (long) problem.groups().get(g).gpus() * Candidates.OCCUPANCY_UNITS;
    }
    int[] groupOf = new int[n];
    boolean[] shares = new boolean[n];
    for (int i : order) {
      if (problem.models().get(i).ratePerSecond() == 0) {
        groupOf[i] = -1;
        continue;
      }
      int best = -1;
      for (int g = 0; g < groups; g++) {
        long u = units(c, i, g);
        if (u != Long.MAX_VALUE && u <= free[g] && (best < 0 || u < units(c, i, best))) {
          best = g;
        }
      }
      if (best < 0) {
        return Placement.none(Placement.Status.UNKNOWN, NAME, lowerBound, "The heuristic ran out of GPUs in every "
            + "group that can run model '" + problem.models().get(i).name() + "'; the ILP may still find a placement "
            + "(--solver ilp), or add GPUs.", seconds(start));
      }
      groupOf[i] = best;
      shares[i] = problem.sharing() && c.fit(i, best).canShare();
      free[best] -= units(c, i, best);
    }
    List<Placement.Bin> bins = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      String failed = pack(c, g, groupOf, shares, bins);
      if (!failed.isEmpty()) {
        return Placement.none(Placement.Status.UNKNOWN, NAME, lowerBound, failed, seconds(start));
      }
    }
    Placement p = Placement.build(c, groupOf, shares, bins, Placement.Status.FEASIBLE, NAME, lowerBound, "",
        seconds(start));
    if (p.gpusUsed() == lowerBound) {
      return new Placement(Placement.Status.OPTIMAL, NAME, p.gpusUsed(), lowerBound, p.models(), p.sharedGpus(),
          "The placement meets the lower bound.", p.solveSeconds());
    }
    return p;
  }

  /** Model i's least need on group g in occupancy units, or Long.MAX_VALUE when it cannot go there. */
  static long units(Candidates c, int i, int g) {
    Candidates.Fit f = c.fit(i, g);
    if (!f.eligible()) {
      return Long.MAX_VALUE;
    }
    if (c.problem().sharing() && f.canShare()) {
      return (long) f.floorGpus() * Candidates.OCCUPANCY_UNITS + f.occupancy()[f.bestCycle()];
    }
    return (long) f.ceilGpus() * Candidates.OCCUPANCY_UNITS;
  }

  private static String pack(Candidates c, int g, int[] groupOf, boolean[] shares, List<Placement.Bin> out) {
    PlacementProblem problem = c.problem();
    GpuGroup group = problem.groups().get(g);
    int cycles = problem.cycleSeconds().size();
    long dedicated = 0;
    List<Integer> items = new ArrayList<>();
    for (int i = 0; i < groupOf.length; i++) {
      if (groupOf[i] != g) {
        continue;
      }
      Candidates.Fit f = c.fit(i, g);
      if (shares[i]) {
        dedicated += f.floorGpus();
        items.add(i);
      } else {
        dedicated += f.ceilGpus();
      }
    }
    items.sort(Comparator.comparingInt((Integer i) -> -c.fit(i, g).occupancy()[c.fit(i, g).bestCycle()])
        .thenComparingInt(i -> i));
    List<long[]> loads = new ArrayList<>(); // per bin, per cycle: summed occupancy, or -1 when a member cannot run it
    List<long[]> memory = new ArrayList<>();
    List<List<Integer>> members = new ArrayList<>();
    for (int i : items) {
      int[] occ = c.fit(i, g).occupancy();
      long bytes = problem.models().get(i).memoryBytes();
      int bestBin = -1;
      long bestFill = -1;
      for (int k = 0; k < loads.size(); k++) {
        if (memory.get(k)[0] + bytes > group.memoryBytesPerGpu()) {
          continue;
        }
        long[] load = loads.get(k);
        long fill = Long.MAX_VALUE;
        for (int d = 0; d < cycles; d++) {
          if (load[d] >= 0 && occ[d] >= 0 && load[d] + occ[d] <= Candidates.OCCUPANCY_UNITS) {
            fill = Math.min(fill, load[d] + occ[d]);
          }
        }
        if (fill != Long.MAX_VALUE && fill > bestFill) {
          bestFill = fill;
          bestBin = k;
        }
      }
      if (bestBin < 0) {
        if (dedicated + loads.size() + 1 > group.gpus()) {
          return "The heuristic ran out of GPUs in group '" + group.name() + "' while packing shared GPUs; the ILP "
              + "may still find a placement (--solver ilp), or add GPUs.";
        }
        long[] load = new long[cycles];
        for (int d = 0; d < cycles; d++) {
          load[d] = occ[d];
        }
        loads.add(load);
        memory.add(new long[] {bytes});
        members.add(new ArrayList<>(List.of(i)));
      } else {
        long[] load = loads.get(bestBin);
        for (int d = 0; d < cycles; d++) {
          load[d] = load[d] >= 0 && occ[d] >= 0 ? load[d] + occ[d] : -1;
        }
        memory.get(bestBin)[0] += bytes;
        members.get(bestBin).add(i);
      }
    }
    for (int k = 0; k < loads.size(); k++) {
      long[] load = loads.get(k);
      int cycle = -1;
      for (int d = 0; d < cycles; d++) {
        if (load[d] >= 0 && load[d] <= Candidates.OCCUPANCY_UNITS && (cycle < 0 || load[d] < load[cycle])) {
          cycle = d;
        }
      }
      out.add(new Placement.Bin(g, cycle, members.get(k).stream().mapToInt(Integer::intValue).toArray()));
    }
    return "";
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
