package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Checks;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.Observation;
import java.util.ArrayDeque;

/**
 * The Kubernetes Horizontal Pod Autoscaler's rule (kubernetes.io, "Horizontal Pod Autoscaling", algorithm details):
 * every sync period, {@code desired = ceil(current * metric / target)}, skipped while the ratio is within the
 * tolerance (0.1) of 1; scale-down stabilisation takes the highest recommendation of the last window (300 s), and
 * scale-up the default limit of the larger of 100% and 4 pods per 15 s. The metric here is the average number of
 * requests in the system per ready replica (a pods metric, as serving stacks export it), averaged over the sync
 * period's observations. Scales one catalog entry (the first) between {@code min} and {@code max} replicas.
 */
public final class KubernetesHpa implements AutoscalingPolicy {
  private final double target;
  private final int min;
  private final int max;
  private final double syncSeconds;
  private final double tolerance;
  private final double stabilizationSeconds;
  private final ArrayDeque<double[]> recommendations = new ArrayDeque<>();
  private double lastSync;  // the first sync is one period into the run
  private double metricSum;
  private int metricSamples;
  private int desired = -1;

  /** Kubernetes' defaults: 15 s sync, tolerance 0.1, 300 s scale-down stabilisation. */
  public KubernetesHpa(double targetOngoingPerReplica, int min, int max) {
    this(targetOngoingPerReplica, min, max, 15, 0.1, 300);
  }

  public KubernetesHpa(double targetOngoingPerReplica, int min, int max, double syncSeconds, double tolerance,
      double stabilizationSeconds) {
    Checks.positive("target ongoing requests per replica", targetOngoingPerReplica);
    Checks.atLeast("minimum replicas", min, 1);
    Checks.atLeast("maximum replicas", max, min);
    Checks.positive("sync period (s)", syncSeconds);
    Checks.nonNegative("tolerance", tolerance);
    Checks.nonNegative("scale-down stabilisation window (s)", stabilizationSeconds);
    this.target = targetOngoingPerReplica;
    this.min = min;
    this.max = max;
    this.syncSeconds = syncSeconds;
    this.tolerance = tolerance;
    this.stabilizationSeconds = stabilizationSeconds;
  }

  @Override
  public String name() {
    return "k8s-hpa";
  }

  @Override
  public int[] decide(Observation o) {
    int current = o.readyTotal();
    if (desired < 0) {
      desired = Math.max(min, Math.min(max, o.provisionedTotal()));
    }
    metricSum += o.ongoingPerInstance();
    metricSamples++;
    if (o.nowSeconds() - lastSync + 1e-9 < syncSeconds) {
      return want(o);
    }
    lastSync = o.nowSeconds();
    double metric = metricSum / metricSamples;
    metricSum = 0;
    metricSamples = 0;
    int base = Math.max(current, 1);
    double ratio = metric / target;
    int recommendation = Math.abs(ratio - 1) <= tolerance ? desired : (int) Math.ceil(base * ratio);
    recommendation = Math.max(min, Math.min(max, recommendation));
    recommendations.addLast(new double[] {o.nowSeconds(), recommendation});
    while (!recommendations.isEmpty() && recommendations.peekFirst()[0] < o.nowSeconds() - stabilizationSeconds) {
      recommendations.pollFirst();
    }
    int stabilized = recommendation;
    if (recommendation < desired) {
      for (double[] r : recommendations) {
        stabilized = Math.max(stabilized, (int) r[1]);
      }
      stabilized = Math.min(stabilized, desired);
    } else if (recommendation > desired) {
      int limit = Math.max(2 * desired, desired + 4);  // 100% or 4 pods per period, whichever is more
      stabilized = Math.min(recommendation, limit);
    }
    desired = stabilized;
    return want(o);
  }

  private int[] want(Observation o) {
    int[] w = new int[o.catalog().size()];
    w[0] = desired;
    return w;
  }
}
