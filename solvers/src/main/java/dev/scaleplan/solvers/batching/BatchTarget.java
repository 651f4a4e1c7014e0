package dev.scaleplan.solvers.batching;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The batch size one GPU should aim for when it serves {@code rate} requests per second under a latency target:
 * the largest batch {@code b} (the most efficient) that both keeps up and fits the target,
 *
 * <pre>
 *   b / l(b) >= rate            (throughput: a batch of b every l(b) seconds)
 *   b / rate + l(b) <= slo      (worst case: wait while b requests arrive, then run the batch)
 * </pre>
 *
 * <p>The first condition is the stability condition of a batch server (service capacity at least the offered load).
 * The second is the batch-collection bound: the first request of a batch waits at most the time the b requests of its
 * batch take to arrive at the mean rate, b / rate (counting its own arrival gap, so it is the conservative form of
 * (b - 1) / rate), and then l(b). It is the quantity Symphony's deferred rule trades (arXiv:2308.07470, §3: a batch of
 * b is dispatched within [D - l(b + 1), D - l(b)], so a request's wait plus l(b) never exceeds its SLO); here it is a
 * planning figure at the mean rate, not a percentile guarantee for Poisson arrivals.
 *
 * <p>Since l is non-decreasing, the worst case grows strictly with b and the batches within the target are
 * {@code 1..bSlo} (found by bisection); the answer is the largest of them that keeps up. Infeasible inputs give a
 * {@link Status} and a reason, never an exception or NaN.
 *
 * @param status whether a batch size fits, and why not
 * @param batchSize the target batch, or 0 when infeasible
 * @param worstCaseSeconds b / rate + l(b) for the target batch, or 0 when infeasible
 * @param throughputPerSecond b / l(b) for the target batch, or 0 when infeasible
 * @param reason a sentence a user can act on
 */
public record BatchTarget(Status status, int batchSize, double worstCaseSeconds, double throughputPerSecond,
    String reason) {

  /** Whether a target batch exists. */
  public enum Status {
    /** A batch size keeps up and fits the target. */
    FEASIBLE,
    /** Even a batch of 1 exceeds the target: 1 / rate + l(1) > slo. */
    SLO_TOO_TIGHT,
    /** No batch within the target keeps up with the rate on one GPU. */
    CANNOT_KEEP_UP
  }

  /** Requires a status and a reason. */
  public BatchTarget {
    if (status == null || reason == null) {
      throw new IllegalArgumentException("A batch target needs a status and a reason.");
    }
  }

  /** The target batch size for the SLO's target latency; see {@link #solve(BatchLatency, int, double, double)}. */
  public static BatchTarget solve(BatchLatency latency, int maxBatch, double ratePerSecond, Slo slo) {
    if (slo == null) {
      throw new IllegalArgumentException("The SLO must not be null.");
    }
    return solve(latency, maxBatch, ratePerSecond, slo.targetSeconds());
  }

  /**
   * The largest batch that keeps up with {@code ratePerSecond} on one GPU and whose worst case fits
   * {@code sloSeconds}.
   *
   * @param latency l(b), non-decreasing up to {@code maxBatch}
   * @param maxBatch the largest batch allowed, at least 1 and within the latency's range
   * @param ratePerSecond the arrival rate to one GPU, finite and above 0
   * @param sloSeconds the latency target, finite and above 0
   */
  public static BatchTarget solve(BatchLatency latency, int maxBatch, double ratePerSecond, double sloSeconds) {
    if (latency == null) {
      throw new IllegalArgumentException("The batch latency must not be null.");
    }
    Checks.atLeast("max batch", maxBatch, 1);
    if (maxBatch > latency.maxBatchSize() || maxBatch > BatchDispatcher.MAX_SUPPORTED_BATCH) {
      throw new IllegalArgumentException("The max batch (" + maxBatch + ") must be at most "
          + Math.min(latency.maxBatchSize(), BatchDispatcher.MAX_SUPPORTED_BATCH) + ".");
    }
    Checks.positive("arrival rate (requests/s)", ratePerSecond);
    Checks.positive("SLO target (s)", sloSeconds);
    double[] l = BatchDispatcher.latencyTable(latency, maxBatch);

    if (worstCase(1, l, ratePerSecond) > sloSeconds) {
      return new BatchTarget(Status.SLO_TOO_TIGHT, 0, 0, 0, "Even a batch of 1 takes 1/rate + l(1) = "
          + number(worstCase(1, l, ratePerSecond)) + " s, above the SLO target of "
          + number(sloSeconds) + " s; relax the SLO or lower the rate per GPU.");
    }
    // Largest b with b / rate + l(b) <= slo; the left side grows strictly with b.
    int lo = 1;
    int hi = maxBatch + 1;
    while (hi - lo > 1) {
      int mid = (lo + hi) >>> 1;
      if (worstCase(mid, l, ratePerSecond) <= sloSeconds) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    int withinSlo = lo;
    for (int b = withinSlo; b >= 1; b--) {
      if (keepsUp(b, l, ratePerSecond)) {
        return new BatchTarget(Status.FEASIBLE, b, worstCase(b, l, ratePerSecond), b / l[b],
            "A batch of " + b + " serves " + number(b / l[b]) + " requests/s within a worst case of "
                + number(worstCase(b, l, ratePerSecond)) + " s.");
      }
    }
    return new BatchTarget(Status.CANNOT_KEEP_UP, 0, 0, 0, "The batches that fit the SLO target of "
        + number(sloSeconds) + " s (1.." + withinSlo + ") serve at most "
        + number(bestThroughput(withinSlo, l)) + " requests/s, below the rate of "
        + number(ratePerSecond) + " requests/s; spread the load over more GPUs or relax the SLO.");
  }

  /** The target batch, or empty when infeasible. */
  public OptionalInt asOptional() {
    return status == Status.FEASIBLE ? OptionalInt.of(batchSize) : OptionalInt.empty();
  }

  /** Whether a batch size keeps up and fits the target. */
  public boolean feasible() {
    return status == Status.FEASIBLE;
  }

  private static double worstCase(int b, double[] l, double rate) {
    return b / rate + l[b];
  }

  /** {@code b / l(b) >= rate}, as {@code b >= rate * l(b)} (one rounding instead of two). */
  private static boolean keepsUp(int b, double[] l, double rate) {
    return b >= rate * l[b];
  }

  private static double bestThroughput(int upTo, double[] l) {
    double best = 0;
    for (int b = 1; b <= upTo; b++) {
      best = Math.max(best, b / l[b]);
    }
    return best;
  }

  /** Six significant digits, trailing zeros removed. */
  static String number(double value) {
    String text = String.format(Locale.ROOT, "%.6g", value);
    return text.indexOf('e') >= 0 || text.indexOf('.') < 0 ? text : text.replaceFirst("\\.?0+$", "");
  }

  @Override
  public String toString() {
    return status == Status.FEASIBLE ? "batch " + batchSize + " (" + reason + ")" : status + ": " + reason;
  }
}
