package dev.scaleplan.solvers.ilp;

import dev.scaleplan.api.Checks;

/**
 * How long and how the ILP may search.
 *
 * @param timeLimitSeconds wall-clock limit, above 0; the result says feasible (with its gap) when it stops early
 * @param seed the solver's random seed
 * @param workers parallel search workers, at least 1 (with 1 the search is deterministic for a given seed)
 */
public record IlpOptions(double timeLimitSeconds, int seed, int workers) {
  public IlpOptions {
    Checks.positive("ILP time limit (s)", timeLimitSeconds);
    Checks.atLeast("ILP workers", workers, 1);
  }

  /**
   * 10 seconds, seed 1, one worker: the same input then gives the same plan. (More workers search in parallel and
   * can help on hard instances, but may return a different optimum of equal cost from run to run; the host-pattern
   * model solves the planner's problems in milliseconds with one.)
   */
  public static IlpOptions defaults() {
    return new IlpOptions(10, 1, 1);
  }
}
