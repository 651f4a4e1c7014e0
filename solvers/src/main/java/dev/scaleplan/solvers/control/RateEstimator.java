package dev.scaleplan.solvers.control;

import dev.scaleplan.api.Checks;

/**
 * Arrival rate over a stable and a panic window, as Knative's autoscaler reads its metrics (knative.dev, "Additional
 * autoscaling configuration for Knative Pod Autoscaler": a 60 s stable window and a panic window of 10% of it): the
 * framework reports how many requests arrived in each period, and the estimator gives the mean rate over each window
 * and whether the panic window runs at least {@code panicThreshold} times the stable one (a burst).
 *
 * <p>Counts live in a ring of per-period buckets sized for the stable window; recording and reading allocate nothing.
 * Thread-safe: the methods synchronise on the estimator.
 */
public final class RateEstimator {
  private final double period;
  private final int stableBuckets;
  private final int panicBuckets;
  private final double panicThreshold;
  private final double[] counts;
  private int head;
  private int filled;
  private double lastTime = Double.NEGATIVE_INFINITY;

  /**
   * @param periodSeconds how often counts are recorded
   * @param stableSeconds the stable window, at least one period
   * @param panicSeconds the panic window, at least one period and at most the stable one
   * @param panicThreshold the ratio of panic to stable rate that is a burst, above 1 (Knative: 2)
   */
  public RateEstimator(double periodSeconds, double stableSeconds, double panicSeconds, double panicThreshold) {
    Checks.positive("period (s)", periodSeconds);
    if (!(stableSeconds >= periodSeconds) || !(panicSeconds >= periodSeconds) || panicSeconds > stableSeconds
        || Double.isInfinite(stableSeconds)) {
      throw new IllegalArgumentException("The windows must hold whole periods: period " + periodSeconds
          + " s <= panic window " + panicSeconds + " s <= stable window " + stableSeconds + " s, all finite.");
    }
    if (!(panicThreshold > 1) || Double.isInfinite(panicThreshold)) {
      throw new IllegalArgumentException("The panic threshold (" + panicThreshold + ") must be a finite number above"
          + " 1.");
    }
    this.period = periodSeconds;
    this.stableBuckets = (int) Math.round(stableSeconds / periodSeconds);
    this.panicBuckets = Math.max(1, (int) Math.round(panicSeconds / periodSeconds));
    this.panicThreshold = panicThreshold;
    this.counts = new double[stableBuckets];
  }

  /** Knative's defaults around a period: a 60 s stable window, a 6 s panic window, panic at twice the stable rate. */
  public static RateEstimator knativeDefaults(double periodSeconds) {
    return new RateEstimator(periodSeconds, 60, Math.max(periodSeconds, 6), 2);
  }

  /**
   * Records the requests that arrived in the period ending at {@code nowSeconds}.
   *
   * @throws IllegalArgumentException for a negative or non-finite count, or a time that goes back
   */
  public synchronized void record(double nowSeconds, double arrivals) {
    if (!(arrivals >= 0) || Double.isInfinite(arrivals)) {
      throw new IllegalArgumentException("The arrivals of a period (" + arrivals + ") must be a finite count at "
          + "least 0.");
    }
    if (!(nowSeconds >= lastTime) || Double.isInfinite(nowSeconds)) {
      throw new IllegalArgumentException("The time (" + nowSeconds + " s) must be finite and not before the last "
          + "one (" + lastTime + " s).");
    }
    lastTime = nowSeconds;
    head = (head + 1) % stableBuckets;
    counts[head] = arrivals;
    filled = Math.min(filled + 1, stableBuckets);
  }

  /** The mean rate over the stable window (over what has been recorded, when less), requests per second. */
  public synchronized double stableRate() {
    return rate(Math.min(filled, stableBuckets));
  }

  /** The mean rate over the panic window, requests per second. */
  public synchronized double panicRate() {
    return rate(Math.min(filled, panicBuckets));
  }

  /** Whether the panic window runs at least the threshold times the stable rate (and above zero): a burst. */
  public synchronized boolean bursting() {
    double panic = panicRate();
    return panic > 0 && panic >= panicThreshold * stableRate();
  }

  /** The rate to plan for: the panic rate during a burst, else the stable rate. */
  public synchronized double rate() {
    return bursting() ? panicRate() : stableRate();
  }

  private double rate(int buckets) {
    if (buckets == 0) {
      return 0;
    }
    double sum = 0;
    for (int k = 0; k < buckets; k++) {
      sum += counts[Math.floorMod(head - k, stableBuckets)];
    }
    return sum / (buckets * period);
  }
}
