package dev.scaleplan.testkit.policy;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.control.Observation;
import java.util.ArrayDeque;
import java.util.List;

/**
 * Ours, joint horizontal and vertical scaling in two stages, after Themis: a rise in demand is met first by growing
 * serving instances in place (vertical: more servers on the same instance, ready after a short copy), while new
 * instances load (horizontal); once they serve, the grown instances shrink back. The catalog's kinds are one
 * instance at growing sizes (entry 0 the smallest, then larger ones of the same GPU type); each kind's capacity under
 * the SLO comes from the queueing model ({@link InstanceSpec#capacities}), so a kind of r servers sharing one queue serves a little
 * more than r single servers. The demand is the arrival rate (the highest of the last period's and a short window's)
 * plus the backlog to clear within {@code drainSeconds}.
 *
 * <p>Modes: {@link Mode#TWO_STAGE} (both), {@link Mode#HORIZONTAL_ONLY} (new instances of the smallest kind only) and
 * {@link Mode#VERTICAL_ONLY} (the instances it starts with, resized in place only), the baselines Themis compares with.
 */
public final class TwoStagePolicy implements AutoscalingPolicy {
  /** Which stages to use. */
  public enum Mode {
    TWO_STAGE("scaleplan-two-stage"),
    HORIZONTAL_ONLY("horizontal-only"),
    VERTICAL_ONLY("vertical-only");

    private final String label;

    Mode(String label) {
      this.label = label;
    }
  }

  private final Mode mode;
  private final double[] capacity;
  private final double windowSeconds;
  private final double drainSeconds;
  private final double downDelaySeconds;
  private final int maxInstances;
  private final ArrayDeque<double[]> arrivals = new ArrayDeque<>();
  private double lowerSince = Double.NaN;
  private int instances = -1;

  /** With a 10 s window, a 5 s drain and a 60 s down delay. */
  public TwoStagePolicy(Mode mode, List<InstanceSpec> catalog, Slo slo, int maxInstances) {
    this(mode, catalog, slo, maxInstances, 10, 5, 60);
  }

  public TwoStagePolicy(Mode mode, List<InstanceSpec> catalog, Slo slo, int maxInstances, double windowSeconds,
      double drainSeconds, double downDelaySeconds) {
    this.mode = java.util.Objects.requireNonNull(mode, "mode");
    capacity = InstanceSpec.capacities(catalog, slo);
    Checks.atLeast("maximum instances", maxInstances, 1);
    Checks.positive("rate window (s)", windowSeconds);
    Checks.positive("drain time (s)", drainSeconds);
    Checks.nonNegative("down delay (s)", downDelaySeconds);
    this.windowSeconds = windowSeconds;
    this.drainSeconds = drainSeconds;
    this.downDelaySeconds = downDelaySeconds;
    this.maxInstances = maxInstances;
  }

  /** The capacity of each catalog kind under the SLO, requests per second. */
  public double[] capacities() {
    return capacity.clone();
  }

  @Override
  public String name() {
    return mode.label;
  }

  @Override
  public int[] decide(Observation o) {
    double now = o.nowSeconds();
    int kinds = capacity.length;
    int ready = o.readyTotal();
    if (instances < 0) {
      instances = o.provisionedTotal();
    }
    arrivals.addLast(new double[] {now, o.arrivals()});
    while (arrivals.peekFirst()[0] <= now - windowSeconds) {
      arrivals.pollFirst();
    }
    double total = 0;
    for (double[] a : arrivals) {
      total += a[1];
    }
    double rate = Math.max(o.arrivalRate(), total / Math.min(windowSeconds, Math.max(now, o.periodSeconds())));
    double need = rate + o.queued() / drainSeconds;

    if (mode != Mode.VERTICAL_ONLY) {
      int horizontal = (int) Math.min(maxInstances, Math.ceil(need / capacity[0] - 1e-9));
      if (horizontal >= instances) {
        instances = horizontal;
        lowerSince = Double.NaN;
      } else {
        lowerSince = Double.isNaN(lowerSince) ? now : lowerSince;
        if (now - lowerSince >= downDelaySeconds) {
          instances = horizontal;
          lowerSince = Double.NaN;
        }
      }
    }
    int[] want = new int[Math.max(kinds, o.catalog().size())];
    if (mode == Mode.HORIZONTAL_ONLY || kinds == 1) {
      want[0] = instances;
      return want;
    }
    // Vertical stage over the instances that serve now: grow the least grown one a size at a time until the serving
    // capacity covers the need (or every one is at the largest size); instances still loading stay the smallest.
    int serving = mode == Mode.VERTICAL_ONLY ? instances : Math.min(ready, instances);
    int[] level = new int[serving];
    double have = serving * capacity[0];
    while (have < need) {
      int pick = -1;
      for (int i = 0; i < serving; i++) {
        if (level[i] < kinds - 1 && (pick < 0 || level[i] < level[pick])) {
          pick = i;
        }
      }
      if (pick < 0) {
        break;
      }
      have += capacity[level[pick] + 1] - capacity[level[pick]];
      level[pick]++;
    }
    for (int l : level) {
      want[l]++;
    }
    want[0] += Math.max(0, instances - serving);
    return want;
  }
}
