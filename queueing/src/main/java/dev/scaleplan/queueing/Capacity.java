package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import java.util.Objects;
import java.util.Optional;

/**
 * Capacity inversion: the largest Poisson arrival rate at which a queue still meets a latency SLO, that is the
 * largest λ with {@code responsePercentile(slo.percentile) <= slo.targetSeconds}.
 *
 * <p>The response-time percentile of every model here is non-decreasing in λ (more arrivals never shorten a FIFO
 * queue), so the feasible rates form an interval {@code [0, λ*]} and a bracketing search finds λ* to any tolerance:
 * it keeps a feasible lower end and an infeasible (or unstable) upper end, starting from 0 and the saturation rate,
 * narrows them by safeguarded Illinois steps (regula falsi that cannot stall), and stops when they are within the
 * tolerance. The answer is always the feasible end, so it never overstates capacity.
 * An SLO that even an idle queue misses (the service time alone exceeds the target) is reported as infeasible, not
 * thrown. For simulated models the percentile is a point estimate with common random numbers across rates, so the
 * search is monotone in practice, and the result carries {@link Method#SIMULATION}.
 */
public final class Capacity {
  /** Default relative tolerance on the rate: 1e-6 of the saturation rate. */
  public static final double DEFAULT_RELATIVE_TOLERANCE = 1e-6;

  private Capacity() {}

  /** Builds the model at a given arrival rate (requests per second). */
  @FunctionalInterface
  public interface RateModel {
    QueueModel at(double arrivalRate);
  }

  /**
   * Simulation effort per evaluation when a capacity search needs simulated percentiles: 8 replications of 20,000
   * requests. The search's result is then exact to the simulation's noise, not to 1e-6, so it stops at a relative
   * bracket of {@link #SIMULATED_RELATIVE_TOLERANCE}.
   */
  public static final QueueSimulator.Options SEARCH_SIMULATION = new QueueSimulator.Options(20_000, 8, 2_000, 0.95, 1);

  /** Relative tolerance of searches over simulated percentiles. */
  public static final double SIMULATED_RELATIVE_TOLERANCE = 1e-3;

  /** Relative tolerance of searches over the batch model's numerical percentiles (one server, work-conserving). */
  public static final double BATCH_RELATIVE_TOLERANCE = 1e-4;

  /**
   * The capacity of a dynamic-batching instance ({@link BatchQueue}) under an SLO. With one work-conserving server
   * the percentiles are numerical (the embedded chain) and the search stops at {@link #BATCH_RELATIVE_TOLERANCE};
   * otherwise they are simulated with common random numbers across the rates tried, using
   * {@link #SEARCH_SIMULATION} and {@link #SIMULATED_RELATIVE_TOLERANCE}.
   */
  public static CapacityResult of(InstanceConfig config, Slo slo) {
    Objects.requireNonNull(config, "config");
    boolean exact = BatchQueue.of(0, config).hasNumericalSolution();
    return maxRate(rate -> BatchQueue.of(rate, config, SEARCH_SIMULATION), config.saturationRatePerSecond(), slo,
        exact ? BATCH_RELATIVE_TOLERANCE : SIMULATED_RELATIVE_TOLERANCE);
  }

  /**
   * The largest rate in {@code [0, saturationRate)} that meets the SLO, to within
   * {@code relativeTolerance * saturationRate}.
   *
   * @param model the queue at a given rate
   * @param saturationRate the rate at which the queue becomes unstable, above 0
   * @param slo the SLO to meet
   * @param relativeTolerance bracket width relative to the saturation rate, in (0, 0.1]
   */
  public static CapacityResult maxRate(RateModel model, double saturationRate, Slo slo, double relativeTolerance) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(slo, "slo");
    Checks.positive("saturation rate (requests/s)", saturationRate);
    if (!(relativeTolerance > 0 && relativeTolerance <= 0.1)) {
      throw new IllegalArgumentException(
          "The relative tolerance (" + relativeTolerance + ") must be in (0, 0.1].");
    }
    double tolerance = relativeTolerance * saturationRate;
    QueueMetrics idle = model.at(0).metrics();
    int evaluations = 1;
    Method method = idle.responsePercentile(slo.percentile()).method();
    double idleLatency = idle.responsePercentile(slo.percentile()).value();
    if (idleLatency > slo.targetSeconds()) {
      return new CapacityResult(slo, false, 0, 0, saturationRate, Optional.empty(), method, evaluations,
          String.format(java.util.Locale.ROOT,
              "Even with no queueing the p%s response time is %.6g s, above the target %.6g s.",
              trim(slo.percentile()), idleLatency, slo.targetSeconds()));
    }
    // Bracket [lo, hi]: lo meets the SLO, hi misses it (or is unstable). Steps are Illinois (modified regula falsi,
    // Dowell and Jarratt, BIT 11, 1971) once hi has a finite excess, with a bisection whenever a step fails to
    // halve the bracket, so the search never takes more steps than bisection would, plus one per halving.
    double lo = 0;
    double fLo = idleLatency - slo.targetSeconds();
    QueueMetrics atLo = idle;
    double hi = saturationRate;
    double fHi = Double.POSITIVE_INFINITY;
    int side = 0; // +1 when hi moved last, -1 when lo moved last
    double widthBefore = hi - lo;
    int stepsSinceHalving = 0;
    while (hi - lo > tolerance) {
      double mid;
      boolean bisect = !Double.isFinite(fHi) || stepsSinceHalving >= 2;
      if (bisect) {
        mid = lo + (hi - lo) / 2;
      } else {
        mid = (lo * fHi - hi * fLo) / (fHi - fLo);
        double margin = tolerance / 4; // keep strictly inside so the bracket always shrinks
        mid = Math.min(hi - margin, Math.max(lo + margin, mid));
      }
      QueueMetrics m = model.at(mid).metrics();
      evaluations++;
      Estimate p = m.responsePercentile(slo.percentile());
      if (p.method().ordinal() > method.ordinal()) {
        method = p.method();
      }
      double f = m.stable() ? p.value() - slo.targetSeconds() : Double.POSITIVE_INFINITY;
      if (f <= 0) {
        lo = mid;
        fLo = f;
        atLo = m;
        if (side == -1) {
          fHi /= 2;
        }
        side = -1;
      } else {
        hi = mid;
        fHi = f;
        if (side == 1) {
          fLo /= 2;
        }
        side = 1;
      }
      if (hi - lo <= widthBefore / 2) {
        widthBefore = hi - lo;
        stepsSinceHalving = 0;
      } else {
        stepsSinceHalving++;
      }
    }
    return new CapacityResult(slo, true, lo, hi - lo, saturationRate, Optional.of(atLo), method, evaluations, "");
  }

  private static String trim(double p) {
    return p == Math.rint(p) ? Long.toString((long) p) : Double.toString(p);
  }
}
