package dev.scaleplan.solvers.offload;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Throughput over time while new instances load, with and without live offload: the old instance and the loading
 * ones cooperate through the best split ({@link SplitPlanner}) of the layers each holds; a new instance that holds
 * every layer leaves the pipeline and serves alone. Without offload a new instance adds nothing until it is complete.
 * The layer ready times come from the loading planner ({@code LoadPlan.InstanceLoad.layerReadySeconds}).
 *
 * <p>Throughput is batches of {@code costs.batch()} over the slowest stage, the rate the pair can sustain; the SLO
 * capacity the scaling planner uses scales with it when the batch and its latency stay within the SLO.
 */
public final class CapacityTimeline {
  private CapacityTimeline() {}

  /**
   * Throughput from one moment on.
   *
   * @param timeSeconds when it starts to hold
   * @param withOffloadPerSecond requests per second with live offload
   * @param withoutOffloadPerSecond requests per second without it
   * @param split the pipeline's split then
   */
  public record Point(double timeSeconds, double withOffloadPerSecond, double withoutOffloadPerSecond,
      SplitPlanner.Split split) {}

  /**
   * The timeline.
   *
   * @param points a step function: each point holds until the next
   * @param completeSeconds when the last new instance is complete
   * @param extraRequests the area between the two curves up to {@code completeSeconds}: requests live offload can
   *     serve earlier
   */
  public record Timeline(List<Point> points, double completeSeconds, double extraRequests) {
    public Timeline {
      points = List.copyOf(points);
    }

    /** Throughput with offload at {@code t}. */
    public double withOffloadAt(double t) {
      double v = points.get(0).withOffloadPerSecond();
      for (Point p : points) {
        if (p.timeSeconds() <= t) {
          v = p.withOffloadPerSecond();
        }
      }
      return v;
    }
  }

  /**
   * The timeline of one old instance and new instances loading.
   *
   * @param costs the layers' times and the link
   * @param layerReadySeconds per new instance, when each layer is resident (non-decreasing)
   */
  public static Timeline of(LayerCosts costs, List<double[]> layerReadySeconds) {
    return of(costs, layerReadySeconds, Double.POSITIVE_INFINITY);
  }

  /**
   * As {@link #of(LayerCosts, List)}, using a split only when a batch's latency through it (stages and transfers)
   * stays within {@code maxBatchSeconds} (for an SLO); otherwise the old instance serves alone at that moment.
   */
  public static Timeline of(LayerCosts costs, List<double[]> layerReadySeconds, double maxBatchSeconds) {
    Objects.requireNonNull(costs, "costs");
    int L = costs.layers();
    TreeSet<Double> events = new TreeSet<>();
    events.add(0.0);
    double complete = 0;
    for (double[] ready : layerReadySeconds) {
      if (ready.length != L) {
        throw new IllegalArgumentException("A new instance lists " + ready.length + " layer times; the model has "
            + L + " layers.");
      }
      for (int i = 0; i < L; i++) {
        if (!(ready[i] >= 0) || !Double.isFinite(ready[i]) || i > 0 && ready[i] < ready[i - 1]) {
          throw new IllegalArgumentException("Layer ready times must be finite, at least 0 and non-decreasing (layer "
              + i + ": " + ready[i] + " s).");
        }
        events.add(ready[i]);
      }
      complete = Math.max(complete, ready[L - 1]);
    }
    if (!(costs.wholeSeconds() > 0)) {
      throw new IllegalArgumentException("The model's layers take no time at all; give layer times above 0.");
    }
    double alone = costs.batch() / costs.wholeSeconds();
    List<Point> points = new ArrayList<>();
    double extra = 0;
    Point last = null;
    for (double t : events) {
      List<Integer> loading = new ArrayList<>();
      int done = 0;
      for (double[] ready : layerReadySeconds) {
        int resident = 0;
        while (resident < L && ready[resident] <= t) {
          resident++;
        }
        if (resident == L) {
          done++;
        } else {
          loading.add(resident);
        }
      }
      SplitPlanner.Split split = SplitPlanner.best(costs, loading.stream().mapToInt(Integer::intValue).toArray());
      if (split.latencySeconds() > maxBatchSeconds) {
        split = SplitPlanner.best(costs, new int[0]); // the old instance alone
      }
      double with = split.throughputPerSecond() + done * alone;
      if (done > 0) {
        // Complete instances may also stay in the pipeline, when that serves more than them serving alone.
        int[] all = new int[loading.size() + done];
        for (int i = 0; i < loading.size(); i++) {
          all[i] = loading.get(i);
        }
        java.util.Arrays.fill(all, loading.size(), all.length, L);
        SplitPlanner.Split joint = SplitPlanner.best(costs, all);
        if (joint.latencySeconds() <= maxBatchSeconds && joint.throughputPerSecond() > with) {
          split = joint;
          with = joint.throughputPerSecond();
        }
      }
      Point p = new Point(t, with, alone + done * alone, split);
      if (last != null) {
        extra += (last.withOffloadPerSecond() - last.withoutOffloadPerSecond()) * (t - last.timeSeconds());
      }
      points.add(p);
      last = p;
    }
    return new Timeline(points, complete, extra);
  }

  /**
   * The timeline as the scaling planner's ramp for new instances: from each point until the load completes, the share
   * of the new instances' eventual capacity ({@code newInstances} times {@code aloneThroughput}) that live offload
   * already adds over serving without it. Times are from the start of the load.
   */
  public static dev.scaleplan.solvers.scaling.TransitionPlanner.Ramp ramp(Timeline timeline, int newInstances,
      double aloneThroughput) {
    List<Double> times = new ArrayList<>();
    List<Double> fractions = new ArrayList<>();
    for (Point p : timeline.points()) {
      if (p.timeSeconds() >= timeline.completeSeconds()) {
        break;
      }
      double f = (p.withOffloadPerSecond() - p.withoutOffloadPerSecond()) / (newInstances * aloneThroughput);
      times.add(p.timeSeconds());
      fractions.add(Math.max(0, Math.min(1, f)));
    }
    return new dev.scaleplan.solvers.scaling.TransitionPlanner.Ramp(
        times.stream().mapToDouble(Double::doubleValue).toArray(),
        fractions.stream().mapToDouble(Double::doubleValue).toArray());
  }
}
