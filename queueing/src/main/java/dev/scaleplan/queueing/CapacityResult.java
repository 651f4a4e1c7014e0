package dev.scaleplan.queueing;

import dev.scaleplan.api.Slo;
import java.util.Objects;
import java.util.Optional;

/**
 * The answer of a capacity inversion: the largest arrival rate that meets an SLO, or the verdict that none does.
 *
 * @param slo the SLO asked for
 * @param feasible whether some positive rate meets the SLO
 * @param maxRatePerSecond the largest rate found to meet the SLO (0 when infeasible); the true maximum lies in
 *     {@code [maxRatePerSecond, maxRatePerSecond + rateTolerance]}
 * @param rateTolerance width of the bracket around the true maximum, in requests per second
 * @param saturationRatePerSecond the rate at which the queue becomes unstable (an upper bound on the answer)
 * @param atMaxRate the model's metrics at {@code maxRatePerSecond}; empty when infeasible
 * @param method the least exact method among the evaluated figures
 * @param evaluations how many model evaluations the search took
 * @param reason a sentence explaining an infeasible answer; empty when feasible
 */
public record CapacityResult(
    Slo slo,
    boolean feasible,
    double maxRatePerSecond,
    double rateTolerance,
    double saturationRatePerSecond,
    Optional<QueueMetrics> atMaxRate,
    Method method,
    int evaluations,
    String reason) {
  public CapacityResult {
    Objects.requireNonNull(slo, "slo");
    Objects.requireNonNull(atMaxRate, "atMaxRate");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(reason, "reason");
  }
}
