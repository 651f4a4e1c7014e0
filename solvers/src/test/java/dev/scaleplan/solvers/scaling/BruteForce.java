package dev.scaleplan.solvers.scaling;

/** Exhaustive enumeration of count vectors, the independent reference for the exact solvers on small problems. */
final class BruteForce {
  private BruteForce() {}

  /** The least total cost (integer units) of a plan, or -1 when none exists; enumerates counts up to a bound. */
  static long minCostUnits(ScalingProblem p) {
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
    enumerate(p, w, v, maxCount, new int[n], 0, demand, best);
    return best[0];
  }

  private static void enumerate(ScalingProblem p, long[] w, long[] v, int[] max, int[] counts, int i, long demand,
      long[] best) {
    if (i == counts.length) {
      long cost = 0;
      long cap = 0;
      int count = 0;
      for (int j = 0; j < counts.length; j++) {
        cost += counts[j] * w[j];
        cap += counts[j] * v[j];
        count += counts[j];
      }
      if (cap >= demand && count >= p.minInstances() && cost <= p.budgetUnits() && (best[0] < 0 || cost < best[0])) {
        best[0] = cost;
      }
      return;
    }
    for (int c = 0; c <= max[i]; c++) {
      counts[i] = c;
      enumerate(p, w, v, max, counts, i + 1, demand, best);
    }
  }
}
