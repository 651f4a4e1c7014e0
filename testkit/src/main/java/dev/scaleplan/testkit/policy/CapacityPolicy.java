package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import dev.scaleplan.testkit.sim.AutoscalingPolicy;
import dev.scaleplan.testkit.sim.InstanceSpec;
import dev.scaleplan.testkit.sim.Observation;
import java.util.ArrayDeque;

/**
 * Ours, horizontal: instances from the queueing model's capacity. Each instance of the catalog's first kind serves at
 * most C requests per second within the SLO (the capacity inversion of its batch queue, {@link Capacity#of}, computed
 * once); the policy wants {@code ceil((rate + queued / drainSeconds) / C)} instances, the rate being the highest of
 * the arrival rates over the last period and over a short window (so a burst is seen at once and its backlog is
 * cleared within {@code drainSeconds}). It scales up at once and down only after the lower count has held for
 * {@code downDelaySeconds}. What it does not know: the future (no forecast) and the load time, which it only pays.
 */
public final class CapacityPolicy implements AutoscalingPolicy {
  private final double capacity;
  private final double windowSeconds;
  private final double drainSeconds;
  private final double downDelaySeconds;
  private final int max;
  private final ArrayDeque<double[]> arrivals = new ArrayDeque<>();
  private double lowerSince = Double.NaN;
  private int desired = -1;

  /** With a 10 s window, a 5 s drain, a 60 s down delay. */
  public CapacityPolicy(InstanceSpec spec, Slo slo, int max) {
    this(spec, slo, max, 10, 5, 60);
  }

  public CapacityPolicy(InstanceSpec spec, Slo slo, int max, double windowSeconds, double drainSeconds,
      double downDelaySeconds) {
    Checks.atLeast("maximum instances", max, 1);
    Checks.positive("rate window (s)", windowSeconds);
    Checks.positive("drain time (s)", drainSeconds);
    Checks.nonNegative("down delay (s)", downDelaySeconds);
    InstanceConfig config = new InstanceConfig(spec.servers(), spec.maxBatch(), spec.latency(),
        spec.dispatch().rule() != null ? spec.dispatch().rule() : dev.scaleplan.api.DispatchRule.workConserving());
    CapacityResult c = Capacity.of(config, slo);
    if (!c.feasible()) {
      throw new IllegalArgumentException("Instance '" + spec.name() + "' meets " + slo + " at no rate: " + c.reason());
    }
    this.capacity = c.maxRatePerSecond();
    this.windowSeconds = windowSeconds;
    this.drainSeconds = drainSeconds;
    this.downDelaySeconds = downDelaySeconds;
    this.max = max;
  }

  /** C, the rate one instance serves within the SLO. */
  public double capacityPerInstance() {
    return capacity;
  }

  @Override
  public String name() {
    return "scaleplan-capacity";
  }

  @Override
  public int[] decide(Observation o) {
    double now = o.nowSeconds();
    if (desired < 0) {
      desired = o.provisionedTotal();
    }
    arrivals.addLast(new double[] {now, o.arrivals()});
    while (arrivals.peekFirst()[0] <= now - windowSeconds) {
      arrivals.pollFirst();
    }
    double total = 0;
    for (double[] a : arrivals) {
      total += a[1];
    }
    double span = Math.min(windowSeconds, Math.max(now, o.periodSeconds()));
    double rate = Math.max(o.arrivalRate(), total / span);
    int need = (int) Math.min(max, Math.ceil((rate + o.queued() / drainSeconds) / capacity - 1e-9));
    if (need >= desired) {
      desired = need;
      lowerSince = Double.NaN;
    } else {
      lowerSince = Double.isNaN(lowerSince) ? now : lowerSince;
      if (now - lowerSince >= downDelaySeconds) {
        desired = need;
        lowerSince = Double.NaN;
      }
    }
    int[] w = new int[o.catalog().size()];
    w[0] = desired;
    return w;
  }
}
