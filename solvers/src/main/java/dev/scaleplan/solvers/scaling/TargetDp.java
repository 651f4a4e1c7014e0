package dev.scaleplan.solvers.scaling;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The minimum-cost target plan by an exact dynamic program: an unbounded knapsack over cost.
 *
 * <p>Themis (joint horizontal/vertical autoscaling) chooses instance sizes and counts by dynamic programming over
 * profiled latency and queueing delay; this is that choice, made exact. Every option has an integer cost {@code w}
 * (GPUs, or GPUs times a price in units of {@link CostModel#PRICE_RESOLUTION}) and an integer capacity {@code v}
 * (rounded down to {@link ScalingProblem#CAPACITY_UNIT}). With {@code g} the greatest common divisor of the costs,
 * the table holds, for every cost {@code c} (a multiple of {@code g}) and every instance count {@code k} capped at
 * {@code minInstances}, the largest total capacity reachable at exactly that cost:
 * {@code best[k][c] = max over options o of best[k'][c - w_o] + v_o} with {@code k = min(k' + 1, minInstances)}.
 * The answer is the least cost {@code c} with {@code best[min][c] >= demand}. It is exact because costs are integers
 * (no rounding of the cost axis) and capacities are summed exactly as integers; capping the count at the minimum is
 * exact because the constraint only asks for at least that many. The table stops at an upper bound on the optimum
 * (the cheapest single option repeated until it covers the demand and the minimum count) and at the budget, so the
 * work is {@code O(options * (min + 1) * bound / g)}: for 8 options and 4,096 GPUs, about 65,000 steps.
 *
 * <p>Source: the unbounded knapsack recurrence (Martello and Toth, "Knapsack Problems", 1990, ch. 3.6), written with
 * cost as the index and capacity as the value, the dual of the usual form, so that an exact real-valued capacity
 * never has to be discretised more finely than its units.
 */
public final class TargetDp {
  /** The name the DP gives its plans. */
  public static final String NAME = "dp";

  /** Tables above this many cells are refused (about 400 MiB of state). */
  static final long MAX_CELLS = 60_000_000L;

  private TargetDp() {}

  /** Solves the target problem; never throws for infeasible or degenerate inputs, it says why in the result. */
  public static ScalingPlan solve(ScalingProblem problem) {
    long start = System.nanoTime();
    Optional<String> obvious = problem.obviouslyInfeasible();
    if (obvious.isPresent()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, obvious.get(), NAME,
          System.nanoTime() - start);
    }
    List<InstanceOption> options = problem.options();
    int n = options.size();
    long[] w = new long[n];
    long[] v = new long[n];
    long g = 0;
    for (int i = 0; i < n; i++) {
      w[i] = problem.costs().units(options.get(i));
      v[i] = ScalingProblem.capacityUnits(options.get(i));
      g = gcd(g, w[i]);
    }
    long demand = problem.demandUnits();
    int min = problem.minInstances();
    // Upper bound on the optimal cost: the cheapest plan that repeats one option.
    long bound = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (v[i] <= 0) {
        continue;
      }
      long count = Math.max(ceilDiv(demand, v[i]), min);
      if (count <= Long.MAX_VALUE / w[i]) {
        bound = Math.min(bound, count * w[i]);
      }
    }
    if (bound == Long.MAX_VALUE) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE,
          "Every option's capacity rounds to less than " + ScalingProblem.CAPACITY_UNIT + " requests/s.", NAME,
          System.nanoTime() - start);
    }
    long budget = problem.budgetUnits();
    long limit = Math.min(bound, budget) / g;
    int layers = min + 1;
    if ((limit + 1) * layers > MAX_CELLS) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, String.format(java.util.Locale.ROOT,
          "The DP table would need %,d cells (cost bound %d units in steps of %d, %d count layers); give prices on a"
              + " coarser scale, a budget, or use the ILP.", (limit + 1) * layers, limit * g, g, layers),
          NAME, System.nanoTime() - start);
    }
    int cells = (int) (limit + 1);
    int[] step = new int[n];
    for (int i = 0; i < n; i++) {
      step[i] = (int) Math.min(Integer.MAX_VALUE, w[i] / g);
    }
    long[][] best = new long[layers][cells];
    int[][] choice = new int[layers][cells];
    byte[][] from = new byte[layers][cells]; // 1 when the predecessor was in the capped layer itself
    for (long[] row : best) {
      Arrays.fill(row, -1);
    }
    best[0][0] = 0;
    for (int c = 0; c < cells; c++) {
      for (int k = 0; k < layers; k++) {
        long here = best[k][c];
        if (here < 0) {
          continue;
        }
        int next = Math.min(k + 1, min);
        for (int i = 0; i < n; i++) {
          long to = (long) c + step[i];
          if (to >= cells) {
            continue;
          }
          long value = here + v[i];
          int t = (int) to;
          if (value > best[next][t]) {
            best[next][t] = value;
            choice[next][t] = i;
            from[next][t] = (byte) (k == next ? 1 : 0);
          }
        }
      }
      if (best[min][c] >= demand) {
        int[] counts = new int[n];
        int k = min;
        int at = c;
        while (at > 0 || k > 0) {
          int i = choice[k][at];
          counts[i]++;
          int prevK = from[k][at] == 1 ? k : k - 1;
          at -= step[i];
          k = prevK;
        }
        List<ScalingPlan.Group> groups = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          if (counts[i] > 0) {
            groups.add(new ScalingPlan.Group(options.get(i), counts[i], ""));
          }
        }
        double cost = problem.costs().fromUnits(c * g);
        return new ScalingPlan(problem, ScalingPlan.Status.OPTIMAL, "", groups, cost, NAME,
            System.nanoTime() - start);
      }
    }
    String reason = budget < bound
        ? String.format(java.util.Locale.ROOT, "No plan within a budget of %s %s covers %.1f requests/s.",
            plain(problem.costs().fromUnits(budget)), problem.costs().unit(), problem.demandPerSecond())
        : "No combination of options covers the demand.";
    return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, reason, NAME, System.nanoTime() - start);
  }

  private static String plain(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : String.format(java.util.Locale.ROOT, "%.4f", x);
  }

  static long gcd(long a, long b) {
    while (b != 0) {
      long t = a % b;
      a = b;
      b = t;
    }
    return a;
  }

  private static long ceilDiv(long a, long b) {
    return -Math.floorDiv(-a, b);
  }
}
