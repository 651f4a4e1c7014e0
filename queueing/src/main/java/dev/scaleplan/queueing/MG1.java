package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;

/**
 * The M/G/1 queue: Poisson arrivals at rate λ, one server, service times with mean s and coefficient of variation
 * cv. Exact figures (Pollaczek-Khinchine; Kleinrock, "Queueing Systems" vol. 1, 1975, eq. 5.105):
 * <pre>
 *   ρ = λ s,   P(wait) = ρ,   Wq = λ E[S²] / (2 (1 - ρ)) with E[S²] = s² (1 + cv²),   W = Wq + s.
 * </pre>
 * The waiting-time distribution depends on the whole service distribution, not on two moments, so percentiles are a
 * labelled {@link Method#APPROXIMATION} ({@link TwoMomentDelays}); with cv = 1 the model is M/M/1 and every figure is
 * the exact M/M/1 one. For exact deterministic service use {@link MDc}.
 */
public final class MG1 implements QueueModel {
  private final double arrivalRate;
  private final double meanServiceSeconds;
  private final double serviceCv;

  private MG1(double arrivalRate, double meanServiceSeconds, double serviceCv) {
    this.arrivalRate = Checks.nonNegative("arrival rate (requests/s)", arrivalRate);
    this.meanServiceSeconds = Checks.positive("mean service time (s)", meanServiceSeconds);
    this.serviceCv = Checks.nonNegative("service-time cv", serviceCv);
  }

  /**
   * An M/G/1 queue.
   *
   * @param arrivalRate λ in requests per second, at least 0
   * @param meanServiceSeconds mean service time s, above 0
   * @param serviceCv coefficient of variation of the service time, at least 0
   */
  public static MG1 of(double arrivalRate, double meanServiceSeconds, double serviceCv) {
    return new MG1(arrivalRate, meanServiceSeconds, serviceCv);
  }

  @Override
  public String name() {
    return "mg1";
  }

  /** The Pollaczek-Khinchine mean wait in seconds ({@code +Infinity} when ρ >= 1). */
  public double meanWait() {
    double rho = arrivalRate * meanServiceSeconds;
    if (rho >= 1) {
      return Double.POSITIVE_INFINITY;
    }
    double secondMoment = meanServiceSeconds * meanServiceSeconds * (1 + serviceCv * serviceCv);
    return arrivalRate * secondMoment / (2 * (1 - rho));
  }

  @Override
  public QueueMetrics metrics() {
    double rho = arrivalRate * meanServiceSeconds;
    if (rho >= 1) {
      return QueueMetrics.unstable(name(), arrivalRate, rho, Method.EXACT);
    }
    if (serviceCv == 1) {
      return TwoMomentDelays.renamed(MMc.of(arrivalRate, 1, meanServiceSeconds).metrics(), name(),
          "cv = 1: exact M/M/1");
    }
    return TwoMomentDelays.metrics(name(), arrivalRate, rho, rho, meanWait(), meanServiceSeconds, serviceCv,
        Method.EXACT, "Pollaczek-Khinchine means; percentiles: exponential waiting tail, gamma service");
  }
}
