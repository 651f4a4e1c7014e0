package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.BatchQueue;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.Estimate;
import dev.scaleplan.queueing.QueueMetrics;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-instance view of a plan, computed by the queueing module and not by the solver: the router sends each
 * instance a share of the rate in proportion to its capacity, and each instance's SLO percentile is evaluated at that
 * share.
 *
 * <p>With total capacity {@code C >= rate}, an instance of capacity {@code c_i} receives {@code rate * c_i / C <=
 * c_i}, and since response percentiles do not decrease with the rate, it meets the SLO; this class checks that claim
 * independently: each of the instance's replicas receives an even part of its share and is evaluated by the batch
 * queue model at that rate (numerical for a work-conserving replica, simulated with
 * {@link Capacity#SEARCH_SIMULATION}'s common random numbers for a delayed dispatch rule).
 */
public final class PlanCheck {
  private PlanCheck() {}

  /**
   * One group's figures.
   *
   * @param group the instances
   * @param routerWeight the fraction of the rate each instance of the group receives
   * @param sharePerSecond requests per second each instance receives (its replicas split it evenly)
   * @param predicted the SLO percentile of response time at that share
   * @param meetsSlo whether the prediction is within the SLO target
   * @param utilization a replica's utilisation at its part of the share
   */
  public record InstanceShare(ScalingPlan.Group group, double routerWeight, double sharePerSecond,
      Estimate predicted, boolean meetsSlo, double utilization) {}

  /** The shares and predictions of every group of a plan at the problem's rate. */
  public static List<InstanceShare> shares(ScalingPlan plan) {
    return shares(plan.groups(), plan.problem().ratePerSecond(), plan.problem().slo());
  }

  /** The shares and predictions of instances serving {@code rate} under {@code slo}. */
  public static List<InstanceShare> shares(List<ScalingPlan.Group> groups, double rate, Slo slo) {
    Objects.requireNonNull(groups, "groups");
    Objects.requireNonNull(slo, "slo");
    double total = groups.stream().mapToDouble(g -> g.count() * g.option().capacityPerSecond()).sum();
    List<InstanceShare> out = new ArrayList<>();
    Map<InstanceOption, InstanceShare> seen = new HashMap<>();
    for (ScalingPlan.Group g : groups) {
      InstanceShare known = seen.get(g.option());
      if (known != null) {
        out.add(new InstanceShare(g, known.routerWeight(), known.sharePerSecond(), known.predicted(),
            known.meetsSlo(), known.utilization()));
        continue;
      }
      double weight = g.option().capacityPerSecond() / total;
      double share = rate * weight;
      QueueMetrics m = BatchQueue.of(share / g.option().replicas(), g.option().replicaConfig(),
          Capacity.SEARCH_SIMULATION).metrics();
      Estimate p = m.responsePercentile(slo.percentile());
      boolean meets = m.stable() && p.value() <= slo.targetSeconds();
      InstanceShare s = new InstanceShare(g, weight, share, p, meets, m.utilization().value());
      seen.put(g.option(), s);
      out.add(s);
    }
    return out;
  }
}
