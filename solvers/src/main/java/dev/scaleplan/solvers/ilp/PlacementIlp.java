package dev.scaleplan.solvers.ilp;

import com.google.ortools.sat.BoolVar;
import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.LinearExpr;
import com.google.ortools.sat.LinearExprBuilder;
import com.google.ortools.sat.Literal;
import dev.scaleplan.solvers.placement.Candidates;
import dev.scaleplan.solvers.placement.GreedyPlacer;
import dev.scaleplan.solvers.placement.Infeasibility;
import dev.scaleplan.solvers.placement.Placement;
import dev.scaleplan.solvers.placement.PlacementProblem;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Exact placement by CP-SAT over the same space as {@link GreedyPlacer} (the candidates): Symphony's epoch-scale
 * allocation of models to GPU groups (Chen et al., arXiv 2308.07470, §5) and AlpaServe's placement (Li et al., OSDI
 * 2023, §5) as an integer program, with Nexus's shared GPUs (SOSP 2019, §4.2) as a bin-packing layer.
 *
 * <pre>
 *   x[i,g]       model i is served by group g                 Σ_g x[i,g] = 1 (models with traffic)
 *   s[i,g]       its residual shares a GPU in g (s <= x)      dedicated GPUs: ceil[i,g] x[i,g] - (ceil - floor) s[i,g]
 *   z[g,j,d]     shared GPU j of group g runs duty cycle d     u[g,j] = Σ_d z[g,j,d] <= 1, u[g,j] >= u[g,j+1]
 *   y[i,g,j,d]   i's residual runs on that GPU at that cycle   Σ_{j,d} y[i,g,j,d] = s[i,g]
 *   Σ_i occ[i,g,d] y[i,g,j,d] <= UNITS z[g,j,d]                (the slots fit the cycle; occupancy in millionths)
 *   Σ_{i,d} mem[i] y[i,g,j,d] <= mem[g] u[g,j]                (memory)
 *   Σ_i dedicated[i,g] + Σ_j u[g,j] <= gpus[g]                (the group's size)
 *   minimise Σ dedicated + Σ u
 * </pre>
 *
 * Symmetry among a group's shared GPUs is broken by using them in order and by letting the k-th sharing model go
 * only to GPUs 0..k. The heuristic's placement is the search's starting hint, so the ILP is never worse than it.
 */
public final class PlacementIlp {
  /** The name ILP placements carry. */
  public static final String NAME = "ilp (CP-SAT)";

  private PlacementIlp() {}

  /** Places the problem's models. */
  public static Placement solve(PlacementProblem problem, IlpOptions options) {
    return solve(Candidates.of(problem), options);
  }

  /** Places the models of precomputed candidates. Infeasible and time-outs are results. */
  public static Placement solve(Candidates c, IlpOptions options) {
    Objects.requireNonNull(c, "candidates");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    PlacementProblem problem = c.problem();
    long lowerBound = c.lowerBound();
    String impossible = Infeasibility.check(c, lowerBound);
    if (!impossible.isEmpty()) {
      return Placement.none(Placement.Status.INFEASIBLE, NAME, lowerBound, impossible, seconds(start));
    }
    Placement hint = GreedyPlacer.place(c);
    int n = c.models();
    int groups = c.groups();
    int cycles = problem.cycleSeconds().size();
    Natives.load();
    CpModel model = new CpModel();
    BoolVar[][] x = new BoolVar[n][groups];
    BoolVar[][] s = new BoolVar[n][groups];
    List<List<Integer>> sharers = new ArrayList<>();
    for (int g = 0; g < groups; g++) {
      sharers.add(new ArrayList<>());
    }
    LinearExprBuilder objective = LinearExpr.newBuilder();
    LinearExprBuilder[] groupUse = new LinearExprBuilder[groups];
    for (int g = 0; g < groups; g++) {
      groupUse[g] = LinearExpr.newBuilder();
    }
    for (int i = 0; i < n; i++) {
      if (problem.models().get(i).ratePerSecond() == 0) {
        continue;
      }
      List<Literal> choices = new ArrayList<>();
      for (int g = 0; g < groups; g++) {
        Candidates.Fit f = c.fit(i, g);
        if (!f.eligible()) {
          continue;
        }
        x[i][g] = model.newBoolVar("x" + i + "_" + g);
        choices.add(x[i][g]);
        groupUse[g].addTerm(x[i][g], f.ceilGpus());
        objective.addTerm(x[i][g], f.ceilGpus());
        if (problem.sharing() && f.canShare()) {
          s[i][g] = model.newBoolVar("s" + i + "_" + g);
          model.addImplication(s[i][g], x[i][g]);
          int saved = f.ceilGpus() - f.floorGpus();
          groupUse[g].addTerm(s[i][g], -saved);
          objective.addTerm(s[i][g], -saved);
          sharers.get(g).add(i);
        }
      }
      model.addExactlyOne(choices.toArray(Literal[]::new));
    }
    // Shared GPUs: y[g][k][j][d] for the k-th sharer of group g, on GPU j <= k.
    BoolVar[][][][] y = new BoolVar[groups][][][];
    BoolVar[][][] z = new BoolVar[groups][][];
    BoolVar[][] usedBins = new BoolVar[groups][];
    for (int g = 0; g < groups; g++) {
      List<Integer> share = sharers.get(g);
      int bins = (int) Math.min(Math.min(share.size(), problem.groups().get(g).gpus()), binLimit(c, g, hint));
      y[g] = new BoolVar[share.size()][][];
      z[g] = new BoolVar[bins][cycles];
      BoolVar[] used = new BoolVar[bins];
      usedBins[g] = used;
      LinearExprBuilder[][] fill = new LinearExprBuilder[bins][cycles];
      LinearExprBuilder[] memory = new LinearExprBuilder[bins];
      for (int j = 0; j < bins; j++) {
        used[j] = model.newBoolVar("u" + g + "_" + j);
        for (int d = 0; d < cycles; d++) {
          z[g][j][d] = model.newBoolVar("z" + g + "_" + j + "_" + d);
          fill[j][d] = LinearExpr.newBuilder();
        }
        memory[j] = LinearExpr.newBuilder();
        model.addEquality(LinearExpr.sum(z[g][j]), used[j]);
        groupUse[g].add(used[j]);
        objective.add(used[j]);
        if (j > 0) {
          model.addImplication(used[j], used[j - 1]);
        }
      }
      for (int k = 0; k < share.size(); k++) {
        int i = share.get(k);
        Candidates.Fit f = c.fit(i, g);
        y[g][k] = new BoolVar[Math.min(k + 1, bins)][cycles];
        List<Literal> slots = new ArrayList<>();
        for (int j = 0; j < y[g][k].length; j++) {
          for (int d = 0; d < cycles; d++) {
            if (f.occupancy()[d] < 0) {
              continue;
            }
            BoolVar v = model.newBoolVar("y" + i + "_" + g + "_" + j + "_" + d);
            y[g][k][j][d] = v;
            slots.add(v);
            fill[j][d].addTerm(v, f.occupancy()[d]);
            memory[j].addTerm(v, problem.models().get(i).memoryBytes());
          }
        }
        model.addEquality(LinearExpr.sum(slots.toArray(BoolVar[]::new)), s[i][g]);
      }
      // Cuts from dual-feasible functions (Fekete and Schepers, "New classes of fast lower bounds for bin packing
      // problems", Math. Program. 91, 2001): with x the least occupancy of a slot as a fraction of the cycle,
      // f_k(x) = (ceil((k+1)x) - 1) / k never sums above 1 over a GPU's slots, so Σ_i (ceil((k+1)x_i) - 1) <= k u[j].
      // They tell the LP that two slots above half a cycle never share a GPU, three above a third, and so on.
      for (int cut = 1; cut <= 4; cut++) {
        for (int j = 0; j < bins; j++) {
          LinearExprBuilder dff = LinearExpr.newBuilder();
          boolean any = false;
          for (int k = 0; k < share.size(); k++) {
            Candidates.Fit f = c.fit(share.get(k), g);
            long least = f.occupancy()[f.bestCycle()];
            long coefficient = ((cut + 1) * least + Candidates.OCCUPANCY_UNITS - 1) / Candidates.OCCUPANCY_UNITS - 1;
            if (coefficient <= 0 || j >= y[g][k].length) {
              continue;
            }
            for (int d = 0; d < cycles; d++) {
              if (y[g][k][j][d] != null) {
                dff.addTerm(y[g][k][j][d], coefficient);
                any = true;
              }
            }
          }
          if (any) {
            dff.addTerm(used[j], -cut);
            model.addLessOrEqual(dff, 0);
          }
        }
      }
      // The same per duty cycle, over all of the group's shared GPUs at once: N_d GPUs run cycle d, and the slots
      // placed at cycle d need at least their summed occupancy, and the dual-feasible sums, of them. N_d is an
      // integer, so the bound rounds up per cycle, which the per-GPU rows cannot tell the LP.
      for (int d = 0; d < cycles; d++) {
        for (int cut = 0; cut <= 4; cut++) {
          LinearExprBuilder need = LinearExpr.newBuilder();
          boolean any = false;
          for (int k = 0; k < share.size(); k++) {
            long occ = c.fit(share.get(k), g).occupancy()[d];
            if (occ < 0) {
              continue;
            }
            long coefficient = cut == 0 ? occ
                : ((cut + 1) * occ + Candidates.OCCUPANCY_UNITS - 1) / Candidates.OCCUPANCY_UNITS - 1;
            for (int j = 0; j < y[g][k].length; j++) {
              if (coefficient > 0 && y[g][k][j][d] != null) {
                need.addTerm(y[g][k][j][d], coefficient);
                any = true;
              }
            }
          }
          if (any) {
            LinearExprBuilder row = need;
            for (int j = 0; j < bins; j++) {
              row.addTerm(z[g][j][d], -(cut == 0 ? Candidates.OCCUPANCY_UNITS : cut));
            }
            model.addLessOrEqual(row, 0);
          }
        }
      }
      long gpuMemory = problem.groups().get(g).memoryBytesPerGpu();
      for (int j = 0; j < bins; j++) {
        for (int d = 0; d < cycles; d++) {
          fill[j][d].addTerm(z[g][j][d], -Candidates.OCCUPANCY_UNITS);
          model.addLessOrEqual(fill[j][d], 0);
        }
        memory[j].addTerm(used[j], -gpuMemory);
        model.addLessOrEqual(memory[j], 0);
      }
    }
    for (int g = 0; g < groups; g++) {
      model.addLessOrEqual(groupUse[g], problem.groups().get(g).gpus());
    }
    model.minimize(objective);
    if (hint.status().placed()) {
      addHint(model, c, hint, x, s);
      addBinHint(model, c, hint, sharers, y, z, usedBins);
    }
    CpSolver solver = new CpSolver();
    solver.getParameters().setMaxTimeInSeconds(options.timeLimitSeconds()).setRandomSeed(options.seed())
        .setNumWorkers(options.workers()).setLogSearchProgress(false);
    CpSolverStatus status = solver.solve(model);
    switch (status) {
      case OPTIMAL:
      case FEASIBLE: {
        int[] groupOf = new int[n];
        boolean[] shares = new boolean[n];
        for (int i = 0; i < n; i++) {
          groupOf[i] = -1;
          for (int g = 0; g < groups; g++) {
            if (x[i][g] != null && solver.booleanValue(x[i][g])) {
              groupOf[i] = g;
              shares[i] = s[i][g] != null && solver.booleanValue(s[i][g]);
            }
          }
        }
        List<Placement.Bin> bins = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
          List<Integer> share = sharers.get(g);
          for (int j = 0; j < z[g].length; j++) {
            for (int d = 0; d < cycles; d++) {
              if (!solver.booleanValue(z[g][j][d])) {
                continue;
              }
              List<Integer> members = new ArrayList<>();
              for (int k = 0; k < share.size(); k++) {
                if (j < y[g][k].length && y[g][k][j][d] != null && solver.booleanValue(y[g][k][j][d])) {
                  members.add(share.get(k));
                }
              }
              if (!members.isEmpty()) {
                bins.add(new Placement.Bin(g, d, members.stream().mapToInt(Integer::intValue).toArray()));
              }
            }
          }
        }
        boolean optimal = status == CpSolverStatus.OPTIMAL;
        long bound = Math.max(lowerBound, optimal ? Math.round(solver.objectiveValue())
            : (long) Math.ceil(solver.bestObjectiveBound() - 1e-6));
        long best = Math.min(Math.round(solver.objectiveValue()),
            hint.status().placed() ? hint.gpusUsed() : Long.MAX_VALUE);
        String notes = optimal ? "" : String.format(Locale.ROOT, "Stopped at the time limit (%.3g s): at most %d "
            + "GPUs above the optimum.", options.timeLimitSeconds(), best - bound);
        Placement found = Placement.build(c, groupOf, shares, bins, optimal ? Placement.Status.OPTIMAL
            : Placement.Status.FEASIBLE, NAME, bound, notes, seconds(start));
        if (!optimal && hint.status().placed() && hint.gpusUsed() < found.gpusUsed()) {
          // The search was cut short before it matched its starting point: keep the better one.
          return new Placement(Placement.Status.FEASIBLE, NAME, hint.gpusUsed(), bound, hint.models(),
              hint.sharedGpus(), notes + " The heuristic's placement, better than the search's, is kept.",
              seconds(start));
        }
        return found;
      }
      case INFEASIBLE:
        return Placement.none(Placement.Status.INFEASIBLE, NAME, lowerBound, "No placement fits the groups: the "
            + "models need more GPUs (or memory) than the groups that can run them have.", seconds(start));
      default:
        return Placement.none(Placement.Status.UNKNOWN, NAME, lowerBound, String.format(Locale.ROOT,
            "CP-SAT found no placement within its time limit of %.3g s; raise the limit.",
            options.timeLimitSeconds()), seconds(start));
    }
  }

  /**
   * No optimum has more shared GPUs in group g than the heuristic's total less the dedicated GPUs every model needs
   * anyway (its floor on its cheapest group): with more, it would use more GPUs than the heuristic.
   */
  private static long binLimit(Candidates c, int g, Placement hint) {
    if (!hint.status().placed()) {
      return Long.MAX_VALUE;
    }
    long floors = 0;
    for (int i = 0; i < c.models(); i++) {
      long least = Long.MAX_VALUE;
      for (int h = 0; h < c.groups(); h++) {
        if (c.fit(i, h).eligible()) {
          least = Math.min(least, c.fit(i, h).floorGpus());
        }
      }
      floors += least == Long.MAX_VALUE ? 0 : least;
    }
    return Math.max(0, hint.gpusUsed() - floors);
  }

  /**
   * The heuristic's shared GPUs as the search's starting point: in each group, ordered by their lowest-ranked model,
   * so that GPU j's models all rank j or later, as the symmetry-breaking rows require.
   */
  private static void addBinHint(CpModel model, Candidates c, Placement hint, List<List<Integer>> sharers,
      BoolVar[][][][] y, BoolVar[][][] z, BoolVar[][] used) {
    PlacementProblem problem = c.problem();
    java.util.Map<String, Integer> modelIndex = new java.util.HashMap<>();
    for (int i = 0; i < c.models(); i++) {
      modelIndex.put(problem.models().get(i).name(), i);
    }
    for (int g = 0; g < c.groups(); g++) {
      String group = problem.groups().get(g).name();
      List<Integer> share = sharers.get(g);
      java.util.Map<Integer, Integer> rank = new java.util.HashMap<>();
      for (int k = 0; k < share.size(); k++) {
        rank.put(share.get(k), k);
      }
      List<int[]> bins = new ArrayList<>(); // {cycle, ranks...}
      for (Placement.SharedGpu gpu : hint.sharedGpus()) {
        if (!gpu.group().equals(group)) {
          continue;
        }
        int[] bin = new int[gpu.slots().size() + 1];
        bin[0] = problem.cycleSeconds().indexOf(gpu.cycleSeconds());
        for (int t = 0; t < gpu.slots().size(); t++) {
          Integer k = rank.get(modelIndex.get(gpu.slots().get(t).model()));
          if (k == null || bin[0] < 0) {
            return; // not in this model's space: leave the rest to the search
          }
          bin[t + 1] = k;
        }
        bins.add(bin);
      }
      bins.sort(java.util.Comparator.comparingInt(b -> java.util.Arrays.stream(b, 1, b.length).min().orElse(0)));
      if (bins.size() > used[g].length) {
        return;
      }
      for (int j = 0; j < used[g].length; j++) {
        model.addHint(used[g][j], j < bins.size() ? 1 : 0);
        for (int d = 0; d < z[g][j].length; d++) {
          model.addHint(z[g][j][d], j < bins.size() && bins.get(j)[0] == d ? 1 : 0);
        }
      }
      for (int k = 0; k < share.size(); k++) {
        for (int j = 0; j < y[g][k].length; j++) {
          for (int d = 0; d < y[g][k][j].length; d++) {
            if (y[g][k][j][d] == null) {
              continue;
            }
            boolean on = false;
            if (j < bins.size() && bins.get(j)[0] == d) {
              for (int t = 1; t < bins.get(j).length; t++) {
                on |= bins.get(j)[t] == k;
              }
            }
            model.addHint(y[g][k][j][d], on ? 1 : 0);
          }
        }
      }
    }
  }

  private static void addHint(CpModel model, Candidates c, Placement hint, BoolVar[][] x, BoolVar[][] s) {
    for (int i = 0; i < c.models(); i++) {
      String group = hint.models().get(i).group();
      for (int g = 0; g < c.groups(); g++) {
        boolean here = c.problem().groups().get(g).name().equals(group);
        if (x[i][g] != null) {
          model.addHint(x[i][g], here ? 1 : 0);
        }
        if (s[i][g] != null) {
          model.addHint(s[i][g], here && hint.models().get(i).sharedGpu() >= 0 ? 1 : 0);
        }
      }
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
