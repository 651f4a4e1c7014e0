package dev.scaleplan.queueing;

/** Percentiles of a delay distribution: {@code at(99)} is the 99th percentile in seconds. */
@FunctionalInterface
public interface Percentiles {
  /**
   * The {@code percentile}-th percentile, in seconds: the smallest t with {@code P(X <= t) >= percentile / 100}.
   *
   * @param percentile strictly between 0 and 100
   */
  Estimate at(double percentile);
}
