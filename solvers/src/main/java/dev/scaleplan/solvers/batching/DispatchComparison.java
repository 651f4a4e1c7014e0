package dev.scaleplan.solvers.batching;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import java.util.SplittableRandom;

/**
 * A small deterministic event-driven replay that serves the same arrivals with each {@link BatchDispatcher.Rule}
 * (work-conserving, deferred, deferred with early drop) on {@code gpus} GPUs fed by one queue, each request's
 * deadline being its arrival plus one SLO, and each batch of b taking exactly l(b). It only drives the dispatcher
 * through its public calls, as a serving framework or a simulator would.
 *
 * <p>Events at the same instant are handled in a fixed order: GPUs that finish, then arrivals, then launches until the
 * dispatcher answers 0; the next event is the earliest of the next arrival, the next GPU to finish and the
 * dispatcher's {@link BatchDispatcher#nextStartSeconds()}. A request counts as within its deadline when its batch
 * starts at a time {@code t <= deadline - l(b)}, the dispatcher's own form of {@code t + l(b) <= deadline}.
 *
 * <p>Goodput is requests finished within their deadline per second of the horizon from the first arrival to the last
 * arrival's deadline (every deadline lies in it, and it is the same for both rules).
 */
public final class DispatchComparison {
  private DispatchComparison() {}

  /**
   * What one rule achieved on the arrivals.
   *
   * @param rule the dispatch rule
   * @param requests arrivals offered
   * @param withinDeadline requests finished no later than their deadline
   * @param late requests served but finished after their deadline
   * @param dropped requests dropped because no batch could serve them in time any more
   * @param batches batches launched
   * @param meanBatchSize requests per launched batch (0 when none)
   * @param goodputPerSecond {@code withinDeadline / horizonSeconds}
   * @param attainment {@code withinDeadline / requests} (1 when there are no requests)
   * @param horizonSeconds from the first arrival to the last arrival plus the SLO
   */
  public record PolicyResult(BatchDispatcher.Rule rule, int requests, long withinDeadline, long late, long dropped,
      long batches, double meanBatchSize, double goodputPerSecond, double attainment, double horizonSeconds) {

    @Override
    public String toString() {
      return String.format(java.util.Locale.ROOT, "%s: goodput %.1f/s, attainment %.4f, mean batch %.2f, "
          + "%d within, %d late, %d dropped of %d", rule, goodputPerSecond, attainment, meanBatchSize, withinDeadline,
          late, dropped, requests);
    }
  }

  /**
   * The three rules on the same arrivals.
   *
   * @param workConserving the eager baseline
   * @param deferred Symphony's deferred rule as stated (drops only requests no batch can serve in time)
   * @param deferredEarlyDrop the deferred rule with early drop
   */
  public record Result(PolicyResult workConserving, PolicyResult deferred, PolicyResult deferredEarlyDrop) {
    /** Deferred goodput over work-conserving goodput; see {@link #goodputRatio(PolicyResult)}. */
    public double goodputRatio() {
      return goodputRatio(deferred);
    }

    /**
     * {@code policy}'s goodput over the work-conserving goodput: positive infinity when the baseline has none and
     * the policy has some, 1 when neither has any.
     */
    public double goodputRatio(PolicyResult policy) {
      if (workConserving.goodputPerSecond() == 0) {
        return policy.goodputPerSecond() == 0 ? 1 : Double.POSITIVE_INFINITY;
      }
      return policy.goodputPerSecond() / workConserving.goodputPerSecond();
    }

    @Override
    public String toString() {
      return workConserving + "\n" + deferred + "\n" + deferredEarlyDrop + String.format(java.util.Locale.ROOT,
          "\ngoodput ratio over work-conserving: deferred %.3f, deferred+early-drop %.3f", goodputRatio(deferred),
          goodputRatio(deferredEarlyDrop));
    }
  }

  /** Serves {@code arrivalSeconds} with each rule; see {@link #simulate}. */
  public static Result compare(double[] arrivalSeconds, double sloSeconds, BatchLatency latency, int maxBatch,
      int gpus) {
    return new Result(
        simulate(BatchDispatcher.workConserving(latency, maxBatch, gpus), arrivalSeconds, sloSeconds),
        simulate(BatchDispatcher.deferred(latency, maxBatch, gpus), arrivalSeconds, sloSeconds),
        simulate(BatchDispatcher.deferredEarlyDrop(latency, maxBatch, gpus), arrivalSeconds, sloSeconds));
  }

  /**
   * Serves the arrivals with a fresh dispatcher.
   *
   * @param dispatcher a dispatcher no event has reached yet, all its GPUs free
   * @param arrivalSeconds arrival times, finite, at least 0 and sorted (not modified)
   * @param sloSeconds each request's deadline is its arrival plus this, finite and above 0
   */
  public static PolicyResult simulate(BatchDispatcher dispatcher, double[] arrivalSeconds, double sloSeconds) {
    if (dispatcher == null) {
      throw new IllegalArgumentException("The dispatcher must not be null.");
    }
    if (dispatcher.arrived() != 0 || dispatcher.freeGpus() != dispatcher.gpus()) {
      throw new IllegalArgumentException("The dispatcher (" + dispatcher + ") must be fresh: no arrivals, all GPUs "
          + "free.");
    }
    checkArrivals(arrivalSeconds);
    Checks.positive("SLO (s)", sloSeconds);

    int gpus = dispatcher.gpus();
    double[] busyUntil = new double[gpus];
    java.util.Arrays.fill(busyUntil, Double.POSITIVE_INFINITY);
    double[] launched = new double[dispatcher.maxBatch()];
    long within = 0;
    long late = 0;
    int next = 0;
    int n = arrivalSeconds.length;
    while (true) {
      double arrival = next < n ? arrivalSeconds[next] : Double.POSITIVE_INFINITY;
      double done = Double.POSITIVE_INFINITY;
      for (double t : busyUntil) {
        done = Math.min(done, t);
      }
      double start = dispatcher.nextStartSeconds();
      double t = Math.min(arrival, Math.min(done, start));
      if (t == Double.POSITIVE_INFINITY) {
        break;
      }
      for (int g = 0; g < gpus; g++) {
        if (busyUntil[g] == t) {
          busyUntil[g] = Double.POSITIVE_INFINITY;
          dispatcher.onGpuFree(t);
        }
      }
      while (next < n && arrivalSeconds[next] == t) {
        dispatcher.onArrival(t, t + sloSeconds);
        next++;
      }
      boolean any = false;
      int b;
      while ((b = dispatcher.poll(t, launched)) > 0) {
        any = true;
        double l = dispatcher.latencySeconds(b);
        int g = 0;
        while (busyUntil[g] != Double.POSITIVE_INFINITY) {
          g++;
        }
        busyUntil[g] = t + l;
        for (int k = 0; k < b; k++) {
          if (t <= launched[k] - l) {
            within++;
          } else {
            late++;
          }
        }
      }
      if (!any && t == start && t < arrival && t < done) {
        throw new IllegalStateException("The dispatcher (" + dispatcher + ") asked to be polled at " + t
            + " s but launched nothing.");
      }
    }
    double horizon = n == 0 ? sloSeconds : arrivalSeconds[n - 1] + sloSeconds - arrivalSeconds[0];
    long batches = dispatcher.launchedBatches();
    return new PolicyResult(dispatcher.rule(), n, within, late, dispatcher.dropped(), batches,
        batches == 0 ? 0 : (double) dispatcher.launchedRequests() / batches, within / horizon,
        n == 0 ? 1 : (double) within / n, horizon);
  }

  /**
   * Poisson arrivals: {@code count} times starting after 0 with exponential gaps of mean {@code 1 / ratePerSecond},
   * drawn from a {@link SplittableRandom} seeded with {@code seed} (so the same seed gives the same times).
   */
  public static double[] poissonArrivals(double ratePerSecond, int count, long seed) {
    Checks.positive("arrival rate (requests/s)", ratePerSecond);
    Checks.atLeast("number of arrivals", count, 0);
    SplittableRandom random = new SplittableRandom(seed);
    double[] times = new double[count];
    double t = 0;
    for (int i = 0; i < count; i++) {
      // 1 - nextDouble() is in (0, 1], so the log is finite.
      t += -Math.log(1 - random.nextDouble()) / ratePerSecond;
      times[i] = t;
    }
    return times;
  }

  /** Requires finite, non-negative, sorted arrival times. */
  static void checkArrivals(double[] arrivalSeconds) {
    if (arrivalSeconds == null) {
      throw new IllegalArgumentException("The arrival times must not be null.");
    }
    for (int i = 0; i < arrivalSeconds.length; i++) {
      Checks.nonNegative("arrival time [" + i + "] (s)", arrivalSeconds[i]);
      if (i > 0 && arrivalSeconds[i] < arrivalSeconds[i - 1]) {
        throw new IllegalArgumentException("The arrival times must be sorted, but arrival [" + i + "] ("
            + arrivalSeconds[i] + " s) comes before arrival [" + (i - 1) + "] (" + arrivalSeconds[i - 1] + " s).");
      }
    }
  }
}
