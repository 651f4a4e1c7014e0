package dev.scaleplan.solvers.scaling;

/** Exhaustive enumeration of count vectors, the independent reference for the exact solvers on small problems. */
public final class BruteForce {
  private BruteForce() {}

  /** The least total cost (integer units) of a plan, or -1 when none exists; enumerates counts up to a bound. */
  public static long minCostUnits(ScalingProblem p) {
    int n = p.options().size();
    long[] w = new long[n];
    long[] v = new long[n];
    int[] maxCount = new int[n];
    long demand = p.demandUnits();
    for (int i = 0; i < n; i++) {
      w[i] = p.costs().units(p.options().get(i));
      v[i] = ScalingProblem.capacityUnits(p.options().get(i));
      // More than max(demand / v, min) copies of one option is never needed in a minimal plan.
      maxCount[i] = (int) Math.max(-Math.floorDiv(-demand, Math.max(1, v[i])), p.minInstances());
    }
    long[] best = {-1};
    enumerate(p, w, v, maxCount, 0, 0, 0, 0, demand, best);
    return best[0];
  }

  /**
   * Every count of option {@code i} and beyond on top of the partial plan (cost, cap, count). Two prunings keep it
   * exhaustive: a partial plan already at or above the best cost cannot improve, and once the partial plan is
   * complete (covers the demand with enough instances) more of any option only costs more.
   */
  private static void enumerate(ScalingProblem p, long[] w, long[] v, int[] max, int i, long cost, long cap,
      int count, long demand, long[] best) {
    if (best[0] >= 0 && cost >= best[0]) {
      return;
    }
    if (cap >= demand && count >= p.minInstances()) {
      if (cost <= p.budgetUnits()) {
        best[0] = cost;
      }
      return;
    }
    if (i == w.length) {
      return;
    }
    for (int c = 0; c <= max[i]; c++) {
      enumerate(p, w, v, max, i + 1, cost + c * w[i], cap + c * v[i], count + c, demand, best);
    }
  }
}
