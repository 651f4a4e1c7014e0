package dev.scaleplan.solvers.ilp;

import com.google.ortools.sat.CpModel;
import com.google.ortools.sat.CpSolver;
import com.google.ortools.sat.CpSolverStatus;
import com.google.ortools.sat.IntVar;
import com.google.ortools.sat.LinearExpr;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.InstanceOption;
import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The target plan as an integer program on a real cluster, solved by OR-Tools CP-SAT: the constraints the DP cannot
 * hold. Every instance sits inside one host (its GPUs share the host's NVLink domain), a host runs at most its GPUs,
 * GPU types have prices, and the total may have a budget.
 *
 * <p>Hosts of the same GPU type and size are interchangeable, so the model counts <em>host patterns</em> instead of
 * assigning instances to named hosts (the pattern, or configuration, formulation of bin packing; Gilmore and Gomory,
 * Operations Research 9, 1961). A pattern of a host class is what one host runs: {@code g} GPUs in use by {@code k}
 * instances. Its cost depends only on {@code g} and the type's price, and the constraint on the instance count only on
 * {@code k}, so of all the ways to fill {@code g} GPUs with {@code k} instances only the one with the most capacity
 * matters; a small exact knapsack per class finds it for every {@code (g, k)}, and patterns that another pattern of the
 * class beats on all three counts are dropped. With {@code y[c][g][k]} the number of hosts of class {@code c} running
 * pattern {@code (g, k)}:
 *
 * <pre>
 *   minimise   sum cost(c, g, k) y[c][g][k]           (GPUs, or GPUs x price per GPU type)
 *   subject to sum_(g,k) y[c][g][k]      <= hosts(c)  for every host class c
 *              sum cap(c, g, k) y[c][g][k] >= demand   (capacities and demand in the DP's integer units)
 *              sum k y[c][g][k]            >= minInstances
 *              sum cost(c, g, k) y[c][g][k] <= budget  (when given)
 * </pre>
 *
 * <p>This is exactly the per-host model (any per-host plan maps to pattern counts of no less capacity and the same
 * cost and count, and pattern counts map back to hosts one by one), with a few hundred variables instead of one per
 * host and option, and no symmetry among identical hosts for the search to explore. With hosts many and large enough
 * that they never bind, it is the DP's problem, and the two agree (checked by the property tests). This is the only
 * package that imports OR-Tools.
 */
public final class CpSatPlanner {
  /** The name ILP plans carry. */
  public static final String NAME = "ilp (CP-SAT)";

  private CpSatPlanner() {}

  /** Hosts of one GPU type and size. */
  private record HostClass(String gpuType, int gpus, List<String> hosts) {}

  /** What one host of a class runs: options (indices into the problem's options) and their totals. */
  private record Pattern(HostClass hostClass, int[] options, long costUnits, long capacityUnits, int instances) {}

  /** Solves the target problem on {@code cluster}. Infeasible and time-outs are results, not exceptions. */
  public static ScalingPlan solve(ScalingProblem problem, Cluster cluster, IlpOptions options) {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(options, "options");
    long start = System.nanoTime();
    Optional<String> obvious = problem.obviouslyInfeasible();
    if (obvious.isPresent()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, obvious.get(), NAME,
          System.nanoTime() - start);
    }
    List<Pattern> patterns = new ArrayList<>();
    List<HostClass> classes = classes(cluster);
    for (HostClass c : classes) {
      patterns.addAll(patterns(problem, c));
    }
    if (patterns.isEmpty()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE,
          "No host of the cluster can hold any option: the options need GPU types " + gpuTypes(problem.options())
              + " and the hosts have " + cluster.gpusByType() + ".", NAME, System.nanoTime() - start);
    }
    long most = 0;
    for (HostClass c : classes) {
      long best = 0;
      for (Pattern p : patterns) {
        if (p.hostClass() == c) {
          best = Math.max(best, p.capacityUnits());
        }
      }
      most = saturatingAdd(most, saturatingMultiply(best, c.hosts().size()));
    }
    if (most < problem.demandUnits()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, String.format(Locale.ROOT,
          "The cluster is too small: filled with the best options it serves at most %.6g requests/s, below the"
              + " %.6g requests/s needed.", most * ScalingProblem.CAPACITY_UNIT, problem.demandPerSecond()),
          NAME, System.nanoTime() - start);
    }
    Natives.load();
    CpModel model = new CpModel();
    IntVar[] y = new IntVar[patterns.size()];
    long[] cost = new long[y.length];
    long[] cap = new long[y.length];
    long[] count = new long[y.length];
    for (int i = 0; i < y.length; i++) {
      Pattern p = patterns.get(i);
      y[i] = model.newIntVar(0, p.hostClass().hosts().size(), "y" + i);
      cost[i] = p.costUnits();
      cap[i] = p.capacityUnits();
      count[i] = p.instances();
    }
    for (HostClass c : classes) {
      List<IntVar> vars = new ArrayList<>();
      for (int i = 0; i < y.length; i++) {
        if (patterns.get(i).hostClass() == c) {
          vars.add(y[i]);
        }
      }
      if (!vars.isEmpty()) {
        model.addLessOrEqual(LinearExpr.sum(vars.toArray(IntVar[]::new)), c.hosts().size());
      }
    }
    model.addGreaterOrEqual(LinearExpr.weightedSum(y, cap), problem.demandUnits());
    if (problem.minInstances() > 0) {
      model.addGreaterOrEqual(LinearExpr.weightedSum(y, count), problem.minInstances());
    }
    if (problem.budget().isPresent()) {
      model.addLessOrEqual(LinearExpr.weightedSum(y, cost), problem.budgetUnits());
    }
    model.minimize(LinearExpr.weightedSum(y, cost));

    CpSolver solver = new CpSolver();
    solver.getParameters().setMaxTimeInSeconds(options.timeLimitSeconds()).setRandomSeed(options.seed())
        .setNumWorkers(options.workers()).setLogSearchProgress(false);
    CpSolverStatus status = solver.solve(model);
    long nanos = System.nanoTime() - start;
    switch (status) {
      case OPTIMAL:
      case FEASIBLE: {
        List<ScalingPlan.Group> groups = place(problem, patterns, y, solver);
        boolean optimal = status == CpSolverStatus.OPTIMAL;
        double bound = optimal ? problem.costs().fromUnits((long) Math.round(solver.objectiveValue()))
            : problem.costs().fromUnits((long) Math.ceil(solver.bestObjectiveBound() - 1e-6));
        return new ScalingPlan(problem, optimal ? ScalingPlan.Status.OPTIMAL : ScalingPlan.Status.FEASIBLE, "",
            groups, bound, NAME, System.nanoTime() - start);
      }
      case INFEASIBLE:
        return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, whyInfeasible(problem), NAME, nanos);
      case MODEL_INVALID:
        return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, "CP-SAT rejected the model (its sums "
            + "would overflow 64-bit integers with these capacities, costs and host counts): "
            + model.validate().lines().findFirst().orElse(""), NAME, nanos);
      default:
        return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, String.format(Locale.ROOT,
            "CP-SAT found no plan within its time limit of %.3g s; raise the limit.", options.timeLimitSeconds()),
            NAME, nanos);
    }
  }

  /** Hosts grouped by GPU type (case-insensitive) and size, in the order they first appear. */
  private static List<HostClass> classes(Cluster cluster) {
    Map<String, HostClass> byKey = new LinkedHashMap<>();
    for (Cluster.Host h : cluster.hosts()) {
      String key = h.gpuType().toLowerCase(Locale.ROOT) + "/" + h.gpus();
      byKey.computeIfAbsent(key, k -> new HostClass(h.gpuType(), h.gpus(), new ArrayList<>())).hosts()
          .add(h.name());
    }
    return List.copyOf(byKey.values());
  }

  /**
   * The useful patterns of a host class: for every GPU count {@code g} and instance count {@code k}, the fill with the
   * most capacity (an exact two-dimensional unbounded knapsack over the options that fit the class), less those that
   * another pattern matches or beats in cost, count and capacity.
   */
  private static List<Pattern> patterns(ScalingProblem problem, HostClass c) {
    List<Integer> fit = new ArrayList<>();
    for (int o = 0; o < problem.options().size(); o++) {
      InstanceOption opt = problem.options().get(o);
      if (opt.gpuType().equalsIgnoreCase(c.gpuType()) && opt.gpus() <= c.gpus()) {
        fit.add(o);
      }
    }
    int G = c.gpus();
    long[][] best = new long[G + 1][G + 1]; // [gpus used][instances] -> capacity units, -1 unreachable
    int[][] last = new int[G + 1][G + 1];
    for (long[] row : best) {
      java.util.Arrays.fill(row, -1);
    }
    best[0][0] = 0;
    for (int g = 1; g <= G; g++) {
      for (int k = 1; k <= g; k++) {
        for (int o : fit) {
          int w = problem.options().get(o).gpus();
          if (w <= g && best[g - w][k - 1] >= 0) {
            long v = best[g - w][k - 1] + ScalingProblem.capacityUnits(problem.options().get(o));
            if (v > best[g][k]) {
              best[g][k] = v;
              last[g][k] = o;
            }
          }
        }
      }
    }
    boolean[][] dominated = dominated(best, G);
    List<Pattern> out = new ArrayList<>();
    for (int g = 1; g <= G; g++) {
      for (int k = 1; k <= g; k++) {
        if (best[g][k] < 0 || dominated[g][k]) {
          continue;
        }
        int[] chosen = new int[k];
        long costUnits = 0;
        for (int gg = g, kk = k; kk > 0; kk--) {
          int o = last[gg][kk];
          chosen[kk - 1] = o;
          costUnits += problem.costs().units(problem.options().get(o));
          gg -= problem.options().get(o).gpus();
        }
        out.add(new Pattern(c, chosen, costUnits, best[g][k], k));
      }
    }
    return out;
  }

  /**
   * Which patterns another one matches or beats: one with no more GPUs, no fewer instances and at least the capacity.
   * {@code most[g][k]} is the best capacity over {@code g' <= g, k' >= k}; a pattern is dominated when that maximum
   * over the region without itself, {@code max(most[g - 1][k], most[g][k + 1])}, reaches its capacity.
   */
  private static boolean[][] dominated(long[][] best, int G) {
    long[][] most = new long[G + 2][G + 2];
    for (long[] row : most) {
      java.util.Arrays.fill(row, -1);
    }
    for (int g = 1; g <= G; g++) {
      for (int k = g; k >= 1; k--) {
        most[g][k] = Math.max(best[g][k], Math.max(most[g - 1][k], most[g][k + 1]));
      }
    }
    boolean[][] out = new boolean[G + 1][G + 1];
    for (int g = 1; g <= G; g++) {
      for (int k = 1; k <= g; k++) {
        out[g][k] = best[g][k] >= 0 && Math.max(most[g - 1][k], most[g][k + 1]) >= best[g][k];
      }
    }
    return out;
  }

  /** Hands each class's chosen patterns to its hosts in order, and groups equal options on a host. */
  private static List<ScalingPlan.Group> place(ScalingProblem problem, List<Pattern> patterns, IntVar[] y,
      CpSolver solver) {
    Map<HostClass, Integer> nextHost = new LinkedHashMap<>();
    List<ScalingPlan.Group> groups = new ArrayList<>();
    for (int i = 0; i < y.length; i++) {
      long n = solver.value(y[i]);
      Pattern p = patterns.get(i);
      for (long r = 0; r < n; r++) {
        int h = nextHost.merge(p.hostClass(), 1, Integer::sum) - 1;
        String host = p.hostClass().hosts().get(h);
        Map<Integer, Integer> counts = new LinkedHashMap<>();
        for (int o : p.options()) {
          counts.merge(o, 1, Integer::sum);
        }
        counts.forEach((o, c) -> groups.add(new ScalingPlan.Group(problem.options().get(o), c, host)));
      }
    }
    return groups;
  }

  private static long saturatingAdd(long a, long b) {
    long r = a + b;
    return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
  }

  private static long saturatingMultiply(long a, long b) {
    return b != 0 && a > Long.MAX_VALUE / b ? Long.MAX_VALUE : a * b;
  }

  private static String whyInfeasible(ScalingProblem problem) {
    if (problem.budget().isPresent()) {
      return "No plan that fits the cluster covers " + String.format(Locale.ROOT, "%.6g", problem.demandPerSecond())
          + " requests/s within the budget " + problem.budget().getAsDouble() + " " + problem.costs().unit() + ".";
    }
    return "No plan fits the cluster with at least " + problem.minInstances() + " instances.";
  }

  private static java.util.Set<String> gpuTypes(List<InstanceOption> opts) {
    java.util.Set<String> s = new java.util.TreeSet<>();
    opts.forEach(o -> s.add(o.gpuType()));
    return s;
  }
}
