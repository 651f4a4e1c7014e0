package dev.scaleplan.solvers.ilp;

import com.google.ortools.Loader;
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
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The target plan as an integer program on a real cluster, solved by OR-Tools CP-SAT: the constraints the DP cannot
 * hold. Variables {@code x[h][o]} count the instances of option {@code o} on host {@code h} (only where the host has
 * the option's GPU type and at least its GPUs, so every instance sits inside one host's NVLink domain):
 *
 * <pre>
 *   minimise   sum w_o x[h][o]                      (GPUs, or GPUs x price per GPU type)
 *   subject to sum_o gpus_o x[h][o] <= gpus_h        for every host h
 *              sum v_o x[h][o]      >= demand        (capacities and demand in the DP's integer units)
 *              sum x[h][o]          >= minInstances
 *              sum w_o x[h][o]      <= budget         (when given)
 *              used_h >= used_h'                      for consecutive identical hosts (symmetry breaking)
 * </pre>
 *
 * <p>With hosts large and many enough that the host constraints never bind, this is the DP's problem, and the two
 * agree (checked by the property tests). The symmetry-breaking rows only order identical hosts by the GPUs they use;
 * any solution can be permuted to satisfy them, so they remove no optimum. This is the only package that imports
 * OR-Tools.
 */
public final class CpSatPlanner {
  /** The name ILP plans carry. */
  public static final String NAME = "ilp (CP-SAT)";

  private CpSatPlanner() {}

  private static final class Natives {
    static {
      Loader.loadNativeLibraries();
    }

    static void load() {
      // the static initialiser runs once per JVM
    }
  }

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
    Natives.load();
    List<InstanceOption> opts = problem.options();
    List<Cluster.Host> hosts = cluster.hosts();
    CpModel model = new CpModel();
    List<IntVar> all = new ArrayList<>();
    List<Long> allCost = new ArrayList<>();
    List<Long> allCap = new ArrayList<>();
    List<int[]> index = new ArrayList<>(); // {host, option} per variable
    IntVar[][] x = new IntVar[hosts.size()][opts.size()];
    long maxReachable = 0;
    for (int h = 0; h < hosts.size(); h++) {
      Cluster.Host host = hosts.get(h);
      List<IntVar> vars = new ArrayList<>();
      List<Long> gpus = new ArrayList<>();
      for (int o = 0; o < opts.size(); o++) {
        InstanceOption opt = opts.get(o);
        if (!host.fits(opt)) {
          continue;
        }
        int ub = host.gpus() / opt.gpus();
        IntVar v = model.newIntVar(0, ub, "x_" + h + "_" + o);
        x[h][o] = v;
        vars.add(v);
        gpus.add((long) opt.gpus());
        all.add(v);
        allCost.add(problem.costs().units(opt));
        allCap.add(ScalingProblem.capacityUnits(opt));
        index.add(new int[] {h, o});
        maxReachable = Math.max(maxReachable, ub);
      }
      if (!vars.isEmpty()) {
        model.addLessOrEqual(LinearExpr.weightedSum(vars.toArray(IntVar[]::new), toArray(gpus)), host.gpus());
      }
    }
    if (all.isEmpty()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE,
          "No host of the cluster can hold any option: the options need GPU types " + gpuTypes(opts)
              + " and the hosts have " + cluster.gpusByType() + ".", NAME, System.nanoTime() - start);
    }
    IntVar[] vars = all.toArray(IntVar[]::new);
    long[] cost = toArray(allCost);
    long[] cap = toArray(allCap);
    model.addGreaterOrEqual(LinearExpr.weightedSum(vars, cap), problem.demandUnits());
    if (problem.minInstances() > 0) {
      model.addGreaterOrEqual(LinearExpr.sum(vars), problem.minInstances());
    }
    if (problem.budget().isPresent()) {
      model.addLessOrEqual(LinearExpr.weightedSum(vars, cost), problem.budgetUnits());
    }
    breakSymmetry(model, hosts, opts, x);
    model.minimize(LinearExpr.weightedSum(vars, cost));

    CpSolver solver = new CpSolver();
    solver.getParameters().setMaxTimeInSeconds(options.timeLimitSeconds()).setRandomSeed(options.seed())
        .setNumWorkers(options.workers()).setLogSearchProgress(false);
    CpSolverStatus status = solver.solve(model);
    long nanos = System.nanoTime() - start;
    switch (status) {
      case OPTIMAL:
      case FEASIBLE: {
        List<ScalingPlan.Group> groups = new ArrayList<>();
        for (int i = 0; i < vars.length; i++) {
          long n = solver.value(vars[i]);
          if (n > 0) {
            int[] ho = index.get(i);
            groups.add(new ScalingPlan.Group(opts.get(ho[1]), (int) n, hosts.get(ho[0]).name()));
          }
        }
        double bound = problem.costs().fromUnits((long) Math.ceil(solver.bestObjectiveBound() - 1e-6));
        return new ScalingPlan(problem,
            status == CpSolverStatus.OPTIMAL ? ScalingPlan.Status.OPTIMAL : ScalingPlan.Status.FEASIBLE, "",
            groups, status == CpSolverStatus.OPTIMAL ? problem.costs().fromUnits((long) solver.objectiveValue())
                : bound, NAME, nanos);
      }
      case INFEASIBLE:
        return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, whyInfeasible(problem, cluster, cap,
            index), NAME, nanos);
      case MODEL_INVALID:
        throw new IllegalStateException("CP-SAT rejected the model: " + model.validate());
      default:
        return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, String.format(Locale.ROOT,
            "CP-SAT found no plan within its time limit of %.3g s; raise the limit.", options.timeLimitSeconds()),
            NAME, nanos);
    }
  }

  /** Orders consecutive identical hosts (same type and size, same options) by the GPUs they use. */
  private static void breakSymmetry(CpModel model, List<Cluster.Host> hosts, List<InstanceOption> opts,
      IntVar[][] x) {
    for (int h = 1; h < hosts.size(); h++) {
      Cluster.Host a = hosts.get(h - 1);
      Cluster.Host b = hosts.get(h);
      if (!a.gpuType().equalsIgnoreCase(b.gpuType()) || a.gpus() != b.gpus()) {
        continue;
      }
      List<IntVar> vars = new ArrayList<>();
      List<Long> coeffs = new ArrayList<>();
      for (int o = 0; o < opts.size(); o++) {
        if (x[h - 1][o] != null) {
          vars.add(x[h - 1][o]);
          coeffs.add((long) opts.get(o).gpus());
          vars.add(x[h][o]);
          coeffs.add(-(long) opts.get(o).gpus());
        }
      }
      if (!vars.isEmpty()) {
        model.addGreaterOrEqual(LinearExpr.weightedSum(vars.toArray(IntVar[]::new), toArray(coeffs)), 0);
      }
    }
  }

  private static String whyInfeasible(ScalingProblem problem, Cluster cluster, long[] cap, List<int[]> index) {
    // The most capacity each host can hold is a small knapsack; their sum bounds what any plan reaches.
    long most = 0;
    for (int h = 0; h < cluster.hosts().size(); h++) {
      int gpus = cluster.hosts().get(h).gpus();
      long[] best = new long[gpus + 1];
      for (int i = 0; i < index.size(); i++) {
        if (index.get(i)[0] != h) {
          continue;
        }
        int w = problem.options().get(index.get(i)[1]).gpus();
        for (int g = w; g <= gpus; g++) {
          best[g] = Math.max(best[g], best[g - w] + cap[i]);
        }
      }
      most += best[gpus];
    }
    if (most < problem.demandUnits()) {
      return String.format(Locale.ROOT, "The cluster is too small: filled with the best options it serves at most"
          + " %.6g requests/s, below the %.6g requests/s needed.", most * ScalingProblem.CAPACITY_UNIT,
          problem.demandPerSecond());
    }
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

  private static long[] toArray(List<Long> list) {
    long[] a = new long[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }
}
