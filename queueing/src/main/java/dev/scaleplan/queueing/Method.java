package dev.scaleplan.queueing;

/** How a figure in {@link QueueMetrics} was produced. */
public enum Method {
  /** A closed-form result that is exact for the model (up to floating-point rounding). */
  EXACT,
  /** A named approximation from the literature; the model's javadoc says which and how good it is. */
  APPROXIMATION,
  /** An exact characterisation evaluated numerically (root finding, a truncated Markov chain, quadrature). */
  NUMERICAL,
  /** A discrete-event simulation estimate, reported with a confidence interval. */
  SIMULATION;

  /** Lower-case name used in CLI output and JSON. */
  public String label() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
