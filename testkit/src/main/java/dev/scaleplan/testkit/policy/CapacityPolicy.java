package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.control.Observation;
import java.util.List;

/**
 * Ours, horizontal: instances from the queueing model's capacity. Each instance of the catalog's first kind serves at
 * most C requests per second within the SLO (the capacity inversion of its batch queue, {@link dev.scaleplan.queueing.Capacity#of}, computed
 * once); the policy wants {@code ceil((rate + queued / drainSeconds) / C)} instances, the rate being the highest of
 * the arrival rates over the last period and over a short window (so a burst is seen at once and its backlog is
 * cleared within {@code drainSeconds}). It scales up at once and down only after the lower count has held for
 * {@code downDelaySeconds}. What it does not know: the future (no forecast) and the load time, which it only pays.
 * It is {@link TwoStagePolicy} in its horizontal-only mode on the first catalog entry.
 */
public final class CapacityPolicy implements AutoscalingPolicy {
  private final TwoStagePolicy horizontal;

  /** With a 10 s window, a 5 s drain, a 60 s down delay. */
  public CapacityPolicy(InstanceSpec spec, Slo slo, int max) {
    this(spec, slo, max, 10, 5, 60);
  }

  public CapacityPolicy(InstanceSpec spec, Slo slo, int max, double windowSeconds, double drainSeconds,
      double downDelaySeconds) {
    horizontal = new TwoStagePolicy(TwoStagePolicy.Mode.HORIZONTAL_ONLY, List.of(spec), slo, max, windowSeconds,
        drainSeconds, downDelaySeconds);
  }

  /** C, the rate one instance serves within the SLO. */
  public double capacityPerInstance() {
    return horizontal.capacities()[0];
  }

  @Override
  public String name() {
    return "scaleplan-capacity";
  }

  @Override
  public int[] decide(Observation o) {
    return horizontal.decide(o);
  }
}
