package dev.scaleplan.queueing;

import org.apache.commons.math3.analysis.integration.IterativeLegendreGaussIntegrator;
import org.apache.commons.math3.distribution.GammaDistribution;
import org.apache.commons.math3.special.Gamma;

/**
 * Percentiles for queues known only by two moments of their service time (M/G/1, M/G/c), by a labelled
 * approximation: the waiting time is an atom {@code 1 - P(wait)} at zero plus an exponential tail whose mean matches
 * the model's mean wait, {@code P(W > t) = P(wait) e^{-P(wait) t / Wq}} (the classical exponential approximation of
 * the waiting-time tail; exact for M/M/c; Tijms, "A First Course in Stochastic Models", 2003, ch. 5); the
 * service time is taken as gamma with the given mean and coefficient of variation (deterministic when cv = 0);
 * response time is W + S with W and S independent, its tail by the convolution
 * {@code P(R > t) = (1 - pw) S̄(t) + pw [e^{-θt} + ∫_0^t θ e^{-θw} S̄(t - w) dw]}, θ = pw / Wq.
 */
final class TwoMomentDelays {
  /** Service-time cv below which the service is treated as deterministic in the percentiles. */
  static final double DETERMINISTIC_CV = 1e-3;
  private TwoMomentDelays() {}

  /**
   * The metrics of a stable queue from its exact or approximate first figures.
   *
   * @param meanMethod how {@code probWait} and {@code meanWait} were obtained
   */
  static QueueMetrics metrics(String model, double rate, double utilization, double probWait, double meanWait,
      double meanService, double cv, Method meanMethod, String note) {
    double theta = meanWait > 0 ? probWait / meanWait : Double.POSITIVE_INFINITY;
    // Below cv = 1e-3 the gamma's shape exceeds 1e6 and its distribution function gets slow for no gain: service that
    // regular is taken as deterministic (a percentile error of a few cv * s, under 0.5% of s).
    GammaDistribution gamma = cv >= DETERMINISTIC_CV
        ? new GammaDistribution(null, 1 / (cv * cv), meanService * cv * cv) : null;
    return QueueMetrics.builder(model, rate)
        .utilization(Estimate.exact(utilization))
        .probWait(Estimate.of(probWait, meanMethod))
        .meanWait(Estimate.of(meanWait, meanMethod))
        .meanResponse(Estimate.of(meanWait + meanService, meanMethod))
        .waitPercentiles(p -> Estimate.approximation(waitQuantile(probWait, theta, p / 100)))
        .responsePercentiles(p -> Estimate.approximation(gamma == null
            ? waitQuantile(probWait, theta, p / 100) + meanService
            : Quantiles.fromTail(t -> responseTail(probWait, theta, gamma, t), p / 100, meanWait + meanService)))
        .note(note)
        .build();
  }

  static double waitQuantile(double probWait, double theta, double q) {
    return q <= 1 - probWait ? 0 : Math.log(probWait / (1 - q)) / theta;
  }

  /**
   * {@code P(W + S > t)} with W an atom at 0 plus {@code pw · Exp(θ)} and S ~ Gamma(k, β):
   * {@code S̄(t) + pw e^{-θt} E[e^{θS}; S <= t]}. When θβ < 1 the truncated moment is closed-form,
   * {@code (1 - θβ)^{-k} G(t; k, β / (1 - θβ))} with G the gamma distribution function; otherwise it is integrated
   * numerically: for k < 1 after the substitution {@code v = y^{1/k}}, which removes the {@code v^{k-1}} singularity at
   * 0; for k >= 1 directly in v, whose integrand is then smooth (the substitution would put a {@code y^{1/k}} cusp at 0
   * and slow the quadrature down).
   */
  static double responseTail(double probWait, double theta, GammaDistribution service, double t) {
    if (t <= 0) {
      return 1;
    }
    double serviceTail = 1 - service.cumulativeProbability(t);
    if (probWait == 0) {
      return serviceTail;
    }
    double k = service.getShape();
    double beta = service.getScale();
    double tb = theta * beta;
    double moment;
    if (tb < 1) {
      double scale = beta / (1 - tb);
      moment = Math.exp(-theta * t - k * Math.log1p(-tb))
          * new GammaDistribution(null, k, scale).cumulativeProbability(t);
    } else if (k < 1) {
      double logNorm = -Math.log(k) - Gamma.logGamma(k) - k * Math.log(beta);
      IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-10, 1e-14);
      moment = integrator.integrate(1_000_000,
          y -> Math.exp(logNorm - theta * t + (theta - 1 / beta) * Math.pow(y, 1 / k)), 0, Math.pow(t, k));
    } else {
      double logNorm = -Gamma.logGamma(k) - k * Math.log(beta);
      IterativeLegendreGaussIntegrator integrator = new IterativeLegendreGaussIntegrator(16, 1e-10, 1e-14);
      moment = integrator.integrate(1_000_000,
          x -> x == 0 ? 0 : Math.exp(logNorm - theta * t + (k - 1) * Math.log(x) + (theta - 1 / beta) * x), 0, t);
    }
    return serviceTail + probWait * moment;
  }

  /** A copy of {@code m} under another model name (for the reductions to M/M/c). */
  static QueueMetrics renamed(QueueMetrics m, String model, String note) {
    return QueueMetrics.builder(model, m.arrivalRate())
        .stable(m.stable())
        .utilization(m.utilization())
        .probWait(m.probWait())
        .meanWait(m.meanWait())
        .meanResponse(m.meanResponse())
        .waitPercentiles(m::waitPercentile)
        .responsePercentiles(m::responsePercentile)
        .note(note)
        .build();
  }
}
