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
 * exact because the constraint only asks for at least that many (and a minimum of one needs no count at all, since
 * any plan covering a positive demand has an instance). The table stops at an upper bound on the optimum
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
    // A plan that covers a positive demand has at least one instance, so a minimum of 1 needs no count layer.
    int min = problem.minInstances() <= 1 ? 0 : problem.minInstances();
    // Upper bound on the optimal cost: the cheapest plan that repeats one option.
    long bound = Long.MAX_VALUE;
    for (int i = 0; i < n; i++) {
      if (v[i] <= 0) {
        continue;
      }
      long count = Math.max(ceilDiv(demand, v[i]), problem.minInstances());
      if (count <= Long.MAX_VALUE / w[i]) {
        bound = Math.min(bound, count * w[i]);
      }
    }
    if (bound == Long.MAX_VALUE) {
      boolean anyCapacity = java.util.Arrays.stream(v).anyMatch(x -> x > 0);
      return ScalingPlan.infeasible(problem, anyCapacity ? ScalingPlan.Status.UNKNOWN : ScalingPlan.Status.INFEASIBLE,
          anyCapacity ? "The plan's cost would overflow 64-bit integers; the rate is too large for these options."
              : "Every option's capacity rounds to less than " + ScalingProblem.CAPACITY_UNIT + " requests/s.", NAME,
          System.nanoTime() - start);
    }
    long budget = problem.budgetUnits();
    long limit = Math.min(bound, budget) / g;
    if (min == 0) {
      return bestRatioSolve(problem, w, v, g, demand, limit, bound, budget, start);
    }
    int layers = min + 1;
    if (limit + 1 > MAX_CELLS / layers) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, String.format(java.util.Locale.ROOT,
          "The DP table would need more than %,d cells (cost bound %d units in steps of %d, %d count layers); give"
              + " prices on a coarser scale, a budget, or use the ILP.", MAX_CELLS, limit * g, g, layers),
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
    String reason = budget < bound ? budgetReason(problem, budget) : "No combination of options covers the demand.";
    return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, reason, NAME, System.nanoTime() - start);
  }

  /**
   * The DP reduced by the best-ratio exchange, for problems without a count constraint. Let {@code b} be the option
   * with the most capacity per cost. Some optimal plan holds fewer than {@code w_b / g} instances of other options:
   * among any {@code w_b / g} of them, two of their prefix sums of cost (in steps of {@code g}) agree modulo
   * {@code w_b / g}, so a subset of them costs exactly {@code m * w_b}; replacing it by {@code m} instances of
   * {@code b} keeps the cost and loses no capacity (b has the best ratio), and repeating this leaves fewer than
   * {@code w_b / g} others (the pigeonhole argument behind Gilmore and Gomory's periodicity of knapsack solutions,
   * Operations Research 14, 1966). The exchange never lowers capacity, so among the cheapest plans one of most
   * capacity is also of this form. The table therefore needs only the other options, up to the cost of
   * {@code w_b / g - 1} of the dearest of them, and each cell is completed with as many {@code b} as the rest of the
   * demand needs: the table no longer grows with the demand.
   */
  private static ScalingPlan bestRatioSolve(ScalingProblem problem, long[] w, long[] v, long g, long demand,
      long limit, long bound, long budget, long start) {
    List<InstanceOption> options = problem.options();
    int n = options.size();
    int b = -1;
    for (int i = 0; i < n; i++) {
      // v_i / w_i > v_b / w_b, compared exactly as 128-bit products; ties go to the larger capacity.
      if (v[i] > 0) {
        int cmp = b < 0 ? 1 : compareProducts(v[i], w[b], v[b], w[i]);
        if (cmp > 0 || cmp == 0 && v[i] > v[b]) {
          b = i;
        }
      }
    }
    long wb = w[b] / g;
    long widest = 0;
    for (int i = 0; i < n; i++) {
      if (i != b) {
        widest = Math.max(widest, w[i] / g);
      }
    }
    long others = Math.min(limit, Math.max(0, (wb - 1) * widest));
    if (others + 1 > MAX_CELLS) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.UNKNOWN, String.format(java.util.Locale.ROOT,
          "The DP table would need %,d cells; give prices on a coarser scale, a budget, or use the ILP.",
          others + 1), NAME, System.nanoTime() - start);
    }
    int cells = (int) (others + 1);
    long[] best = new long[cells];
    int[] choice = new int[cells];
    Arrays.fill(best, -1);
    best[0] = 0;
    long bestTotal = Long.MAX_VALUE;
    long bestCapacity = -1;
    int bestCell = -1;
    long bestCopies = 0;
    for (int c = 0; c < cells; c++) {
      long here = best[c];
      if (here < 0) {
        continue;
      }
      for (int i = 0; i < n; i++) {
        long to = c + w[i] / g;
        if (i == b || to >= cells) {
          continue;
        }
        if (here + v[i] > best[(int) to]) {
          best[(int) to] = here + v[i];
          choice[(int) to] = i;
        }
      }
      long copies = here >= demand ? 0 : ceilDiv(demand - here, v[b]);
      if (copies > Integer.MAX_VALUE / 2 || copies > (Long.MAX_VALUE / 2 - c) / wb) {
        continue; // more instances than a plan can list; reported below if nothing smaller exists
      }
      long total = c + copies * wb;
      long capacity = here + copies * v[b];
      if (total <= Math.min(bound, budget) / g
          && (total < bestTotal || total == bestTotal && capacity > bestCapacity)) {
        bestTotal = total;
        bestCapacity = capacity;
        bestCell = c;
        bestCopies = copies;
      }
    }
    if (bestCell < 0) {
      boolean huge = ceilDiv(demand, v[b]) > Integer.MAX_VALUE / 2;
      return ScalingPlan.infeasible(problem, huge ? ScalingPlan.Status.UNKNOWN : ScalingPlan.Status.INFEASIBLE,
          huge ? "The plan would need more than " + (Integer.MAX_VALUE / 2) + " instances." : budgetReason(problem,
              budget), NAME, System.nanoTime() - start);
    }
    int[] counts = new int[n];
    counts[b] += (int) bestCopies;
    for (int at = bestCell; at > 0; ) {
      int i = choice[at];
      counts[i]++;
      at -= (int) (w[i] / g);
    }
    List<ScalingPlan.Group> groups = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      if (counts[i] > 0) {
        groups.add(new ScalingPlan.Group(options.get(i), counts[i], ""));
      }
    }
    return new ScalingPlan(problem, ScalingPlan.Status.OPTIMAL, "", groups,
        problem.costs().fromUnits(bestTotal * g), NAME, System.nanoTime() - start);
  }

  /** Compares {@code a * b} with {@code c * d} for non-negative longs, without overflow. */
  static int compareProducts(long a, long b, long c, long d) {
    int hi = Long.compare(Math.multiplyHigh(a, b), Math.multiplyHigh(c, d));
    return hi != 0 ? hi : Long.compareUnsigned(a * b, c * d);
  }

  private static String budgetReason(ScalingProblem problem, long budget) {
    return String.format(java.util.Locale.ROOT, "No plan within a budget of %s %s covers %.1f requests/s.",
        plain(problem.costs().fromUnits(budget)), problem.costs().unit(), problem.demandPerSecond());
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
