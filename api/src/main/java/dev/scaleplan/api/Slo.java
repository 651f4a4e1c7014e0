package dev.scaleplan.api;

/**
 * A latency service-level objective: the given percentile of response time must not exceed the target.
 *
 * @param percentile percentile of the response-time distribution, strictly between 0 and 100 (99 = p99)
 * @param targetSeconds the latency bound in seconds, above 0
 */
public record Slo(double percentile, double targetSeconds) {
  public Slo {
    Checks.percentile("SLO percentile", percentile);
    Checks.positive("SLO targetSeconds", targetSeconds);
  }

  /** Returns the SLO {@code p-th percentile of response time <= targetSeconds}. */
  public static Slo of(double percentile, double targetSeconds) {
    return new Slo(percentile, targetSeconds);
  }

  /** The percentile as a probability in (0, 1): 99 becomes 0.99. */
  public double quantile() {
    return percentile / 100.0;
  }

  @Override
  public String toString() {
    return "p" + Formats.number(percentile) + " <= " + Formats.number(targetSeconds) + " s";
  }
}
