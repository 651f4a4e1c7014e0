package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;

/**
 * The M/G/c queue by the Allen-Cunneen approximation: Poisson arrivals at rate λ, c servers, service times with mean
 * s and coefficient of variation cv (A. O. Allen, "Probability, Statistics, and Queueing Theory", 2nd ed., 1990,
 * also Gross and Harris, "Fundamentals of Queueing Theory"):
 * <pre>
 *   P(wait) ≈ C(c, λs)                      (Erlang C)
 *   Wq      ≈ C(c, λs) / (cμ - λ) · (1 + cv²) / 2     (Poisson arrivals: ca² = 1)
 * </pre>
 * It is exact for M/M/c (cv = 1, where this class returns the exact M/M/c figures) and for the mean wait of M/G/1
 * (c = 1, where it is Pollaczek-Khinchine). Utilisation λs/c is exact; the other figures are labelled
 * {@link Method#APPROXIMATION}, with percentiles from {@link TwoMomentDelays}.
 */
public final class MGc implements QueueModel {
  private final double arrivalRate;
  private final int servers;
  private final double meanServiceSeconds;
  private final double serviceCv;

  private MGc(double arrivalRate, int servers, double meanServiceSeconds, double serviceCv) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.servers = Checks.atLeast("servers", servers, 1);
    this.meanServiceSeconds = Checks.positive("mean service time (s)", meanServiceSeconds);
    this.serviceCv = Checks.nonNegative("service-time cv", serviceCv);
  }

  /**
   * An M/G/c queue.
   *
   * @param arrivalRate λ in requests per second, at least 0
   * @param servers c, at least 1
   * @param meanServiceSeconds mean service time s, above 0
   * @param serviceCv coefficient of variation of the service time, at least 0 (0 deterministic, 1 exponential)
   */
  public static MGc of(double arrivalRate, int servers, double meanServiceSeconds, double serviceCv) {
    return new MGc(arrivalRate, servers, meanServiceSeconds, serviceCv);
  }

  @Override
  public String name() {
    return "mgc";
  }

  @Override
  public QueueMetrics metrics() {
    double rho = arrivalRate * meanServiceSeconds / servers;
    if (rho >= 1) {
      return QueueMetrics.unstable(name(), arrivalRate, rho, Method.EXACT);
    }
    if (serviceCv == 1) {
      return TwoMomentDelays.renamed(MMc.of(arrivalRate, servers, meanServiceSeconds).metrics(), name(),
          "cv = 1: exact M/M/c");
    }
    double c = MMc.erlangC(servers, arrivalRate * meanServiceSeconds);
    double wq = c / (servers / meanServiceSeconds - arrivalRate) * (1 + serviceCv * serviceCv) / 2;
    return TwoMomentDelays.metrics(name(), arrivalRate, rho, c, wq, meanServiceSeconds, serviceCv,
        Method.APPROXIMATION, "Allen-Cunneen; percentiles: exponential waiting tail, gamma service");
  }
}
