package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;

/**
 * The M/M/c queue: Poisson arrivals at rate λ, c servers, exponential service times with mean s (rate μ = 1/s), one
 * FIFO queue. All figures are exact.
 *
 * <p>Offered load {@code a = λ s}, utilisation {@code ρ = a / c}; stable iff {@code ρ < 1}. The probability of
 * waiting is Erlang's C formula, computed without factorials from Erlang's B formula by the recursion
 * {@code B(0) = 1, B(k) = a B(k-1) / (k + a B(k-1))} and {@code C = B / (1 - ρ (1 - B))} (Kleinrock, "Queueing
 * Systems" vol. 1, 1975, §3.5; the recursion is the standard stable one, e.g. Tijms, "A First Course in Stochastic
 * Models", 2003, §5.2). Every term stays in [0, 1], so it is accurate for c = 1 to millions of servers.
 *
 * <p>Waiting time: {@code P(W > t) = C e^{-(cμ - λ) t}}, mean {@code C / (cμ - λ)} (Kleinrock eq. 3.40). Response
 * time R = W + S with S ~ Exp(μ) independent of W: {@code P(R > t) = (1 - C) e^{-μt} + C P(Exp(cμ-λ) + Exp(μ) > t)}.
 * Waiting percentiles are closed-form; response percentiles are found by root finding on this exact tail.
 */
public final class MMc implements QueueModel {
  private final double arrivalRate;
  private final int servers;
  private final double meanServiceSeconds;

  private MMc(double arrivalRate, int servers, double meanServiceSeconds) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.servers = Checks.atLeast("servers", servers, 1);
    this.meanServiceSeconds = Checks.positive("mean service time (s)", meanServiceSeconds);
  }

  /**
   * An M/M/c queue.
   *
   * @param arrivalRate λ in requests per second, at least 0
   * @param servers c, at least 1
   * @param meanServiceSeconds mean service time s in seconds, above 0
   */
  public static MMc of(double arrivalRate, int servers, double meanServiceSeconds) {
    return new MMc(arrivalRate, servers, meanServiceSeconds);
  }

  /**
   * Erlang's C formula: the probability that an arrival waits in an M/M/c queue with offered load {@code a} erlangs.
   * Returns 1 when {@code a >= c} (every arrival waits in an unstable queue).
   */
  public static double erlangC(int servers, double offeredLoad) {
    Checks.atLeast("servers", servers, 1);
    Checks.nonNegative("offered load (erlangs)", offeredLoad);
    double rho = offeredLoad / servers;
    if (rho >= 1) {
      return 1;
    }
    double b = erlangB(servers, offeredLoad);
    return b / (1 - rho * (1 - b));
  }

  /** Erlang's B formula (blocking probability of M/M/c/c) by the stable recursion; see the class comment. */
  public static double erlangB(int servers, double offeredLoad) {
    Checks.atLeast("servers", servers, 0);
    Checks.nonNegative("offered load (erlangs)", offeredLoad);
    double b = 1;
    for (int k = 1; k <= servers; k++) {
      b = offeredLoad * b / (k + offeredLoad * b);
    }
    return b;
  }

  @Override
  public String name() {
    return "mmc";
  }

  public double utilization() {
    return arrivalRate * meanServiceSeconds / servers;
  }

  @Override
  public QueueMetrics metrics() {
    double rho = utilization();
    if (rho >= 1) {
      return QueueMetrics.unstable(name(), arrivalRate, rho, Method.EXACT);
    }
    double mu = 1 / meanServiceSeconds;
    double c = erlangC(servers, arrivalRate * meanServiceSeconds);
    double theta = servers * mu - arrivalRate;
    double meanWait = c / theta;
    return QueueMetrics.builder(name(), arrivalRate)
        .utilization(Estimate.exact(rho))
        .probWait(Estimate.exact(c))
        .meanWait(Estimate.exact(meanWait))
        .meanResponse(Estimate.exact(meanWait + meanServiceSeconds))
        .waitPercentiles(p -> Estimate.exact(waitQuantile(c, theta, p / 100)))
        .responsePercentiles(p -> Estimate.numerical(
            Quantiles.fromTail(t -> responseTail(c, theta, mu, t), p / 100, meanWait + meanServiceSeconds)))
        .note("Erlang C")
        .build();
  }

  /** {@code P(W > t)} in seconds; 1 for every t when the queue is unstable. */
  public double waitTail(double t) {
    double rho = utilization();
    if (rho >= 1) {
      return 1;
    }
    double c = erlangC(servers, arrivalRate * meanServiceSeconds);
    return t < 0 ? 1 : c * Math.exp(-(servers / meanServiceSeconds - arrivalRate) * t);
  }

  /** {@code P(R > t)} for the response time R in seconds; 1 for every t when the queue is unstable. */
  public double responseTail(double t) {
    if (utilization() >= 1) {
      return 1;
    }
    double c = erlangC(servers, arrivalRate * meanServiceSeconds);
    return t < 0 ? 1 : responseTail(c, servers / meanServiceSeconds - arrivalRate, 1 / meanServiceSeconds, t);
  }

  private static double waitQuantile(double probWait, double theta, double q) {
    return q <= 1 - probWait ? 0 : Math.log(probWait / (1 - q)) / theta;
  }

  private static double responseTail(double probWait, double theta, double mu, double t) {
    return (1 - probWait) * Math.exp(-mu * t) + probWait * Quantiles.hypoexponentialTail(theta, mu, t);
  }
}
