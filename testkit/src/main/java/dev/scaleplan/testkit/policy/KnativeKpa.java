package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Checks;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import java.util.ArrayDeque;

/**
 * The Knative Pod Autoscaler's rule (knative.dev, "Additional autoscaling configuration for Knative Pod Autoscaler",
 * and the config-autoscaler defaults): the observed concurrency (requests in the system, including those held by the
 * activator) is averaged over a stable window (60 s) and a panic window (10% of it, 6 s); each average divided by the
 * target concurrency per pod times the target utilisation (70%) gives a pod count. When the panic count reaches the
 * panic threshold (200%) of the ready pods, the autoscaler panics: it scales to the panic count and does not scale
 * down until a stable window has passed without panic. Otherwise the stable count, scaling down at most by the max
 * scale-down rate (2: to {@code floor(ready / 2)}, as Knative's decider computes it). It reaches zero only after a
 * stable window without traffic, and scales from zero on the first request (the activator's held request).
 */
public final class KnativeKpa implements AutoscalingPolicy {
  private final double perPod;
  private final double stableSeconds;
  private final double panicSeconds;
  private final double panicThreshold;
  private final int max;
  private final boolean scaleToZero;
  private final ArrayDeque<double[]> samples = new ArrayDeque<>();
  private double panicUntil = Double.NEGATIVE_INFINITY;
  private int desired = -1;

  /**
   * Knative's defaults around a target concurrency per pod: 70% utilisation, 60 s stable window, 6 s panic window,
   * panic at 200%, scale to zero on.
   */
  public KnativeKpa(double targetConcurrencyPerPod, int max) {
    this(targetConcurrencyPerPod, 0.7, 60, 0.1, 2.0, max, true);
  }

  public KnativeKpa(double targetConcurrencyPerPod, double targetUtilization, double stableWindowSeconds,
      double panicWindowFraction, double panicThreshold, int max, boolean scaleToZero) {
    Checks.positive("target concurrency per pod", targetConcurrencyPerPod);
    if (!(targetUtilization > 0 && targetUtilization <= 1)) {
      throw new IllegalArgumentException("The target utilisation (" + targetUtilization + ") must be in (0, 1].");
    }
    Checks.positive("stable window (s)", stableWindowSeconds);
    if (!(panicWindowFraction > 0 && panicWindowFraction <= 1)) {
      throw new IllegalArgumentException("The panic window fraction (" + panicWindowFraction + ") must be in (0, 1].");
    }
    Checks.positive("panic threshold", panicThreshold);
    Checks.atLeast("maximum pods", max, 1);
    this.perPod = targetConcurrencyPerPod * targetUtilization;
    this.stableSeconds = stableWindowSeconds;
    this.panicSeconds = stableWindowSeconds * panicWindowFraction;
    this.panicThreshold = panicThreshold;
    this.max = max;
    this.scaleToZero = scaleToZero;
  }

  @Override
  public String name() {
    return "knative-kpa";
  }

  @Override
  public int[] decide(Observation o) {
    double now = o.nowSeconds();
    if (desired < 0) {
      desired = o.provisionedTotal();
    }
    samples.addLast(new double[] {now, o.queued() + o.inService(), o.arrivals()});
    while (samples.peekFirst()[0] <= now - stableSeconds) {
      samples.pollFirst();
    }
    double stableSum = 0;
    double panicSum = 0;
    int stableN = 0;
    int panicN = 0;
    double traffic = 0;
    for (double[] s : samples) {
      stableSum += s[1];
      stableN++;
      traffic += s[1] + s[2];
      if (s[0] > now - panicSeconds) {
        panicSum += s[1];
        panicN++;
      }
    }
    int stable = (int) Math.ceil(stableSum / stableN / perPod);
    int panic = (int) Math.ceil(panicSum / panicN / perPod);
    int ready = o.readyTotal();
    if (panic > 0 && (ready == 0 || panic >= panicThreshold * ready)) {
      panicUntil = now + stableSeconds;
    }
    int next;
    if (now < panicUntil) {
      next = Math.max(desired, Math.max(panic, stable));  // no scale-down while panicking
    } else {
      next = Math.max(stable, ready / 2);  // max scale-down rate 2: at least floor(ready / 2)
      if (stable > 0 || traffic > 0 || now < stableSeconds) {
        next = Math.max(next, 1);  // zero only after a stable window without traffic
      }
    }
    if (!scaleToZero) {
      next = Math.max(next, 1);
    }
    desired = Math.min(max, next);
    int[] w = new int[o.catalog().size()];
    w[0] = desired;
    return w;
  }
}
