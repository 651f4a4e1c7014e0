package dev.scaleplan.solvers.placement;

/** Proofs that no placement exists, shared by the solvers. */
public final class Infeasibility {
  private Infeasibility() {}

  /** Why no placement exists, or empty text when the candidates do not prove it. */
  public static String check(Candidates c, long lowerBound) {
    for (int i = 0; i < c.models(); i++) {
      if (c.problem().models().get(i).ratePerSecond() > 0) {
        String why = c.nowhere(i);
        if (!why.isEmpty()) {
          return why;
        }
      }
    }
    long total = c.problem().totalGpus();
    if (lowerBound > total) {
      return "The models need at least " + lowerBound + " GPUs and the groups have " + total + ".";
    }
    return "";
  }
}
