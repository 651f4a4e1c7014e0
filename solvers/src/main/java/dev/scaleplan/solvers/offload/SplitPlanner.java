package dev.scaleplan.solvers.offload;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Live scaling by layer-level cooperative execution (BlitzScale, OSDI 2025, section 5): while new instances load
 * their parameters front to back, each runs the first layers it already holds and hands the activations on, and an
 * instance that holds every layer (the overloaded old one) runs the rest. The instances form a pipeline; its
 * throughput is the batch over its slowest stage or transfer.
 *
 * <p>The split is chosen by dynamic programming over layers. A stage of a new instance must lie within its resident
 * prefix, and stages follow one another, so the new instances take stages in the order of their prefixes (an
 * exchange argument: swapping two instances' stages out of that order never frees a constraint). With the instances
 * sorted by prefix, {@code f[p][i]} is the smallest bottleneck that covers layers {@code [0, i)} with the first
 * {@code p} of them (each runs one contiguous stage or none); the old instance runs {@code [i, L)}:
 * <pre>
 *   f[p][i] = min( f[p-1][i],  min over j < i <= r_p of max(f[p-1][j], stage(j, i), transfer(j) if j > 0) )
 *   best    = min over i of max(f[K][i], stage(i, L), transfer(i) if i > 0)
 * </pre>
 * with {@code f[0][0] = 0}. That is {@code O(K L^2)}. The old instance alone is the {@code i = 0} case, so the plan's
 * throughput is never below it; a transfer slower than the whole model's compute makes every split worse than none.
 */
public final class SplitPlanner {
  private SplitPlanner() {}

  /**
   * One pipeline stage.
   *
   * @param instance the new instance's index in the input, or -1 for the old instance
   * @param fromLayer first layer
   * @param toLayer one past the last layer
   * @param seconds its compute time for one batch
   */
  public record Stage(int instance, int fromLayer, int toLayer, double seconds) {}

  /**
   * The best split.
   *
   * @param stages the stages in pipeline order (the last one on the old instance)
   * @param bottleneckSeconds the slowest stage or transfer, per batch
   * @param throughputPerSecond requests per second of the pipeline: batch / bottleneck
   * @param latencySeconds one batch's time through every stage and transfer
   */
  public record Split(List<Stage> stages, double bottleneckSeconds, double throughputPerSecond,
      double latencySeconds) {
    public Split {
      stages = List.copyOf(stages);
    }

    /** Whether the old instance runs everything. */
    public boolean alone() {
      return stages.size() == 1;
    }
  }

  /**
   * The split of highest throughput.
   *
   * @param costs the layers' times and the link
   * @param residentLayers for each new instance, how many leading layers it holds (0 to L)
   */
  public static Split best(LayerCosts costs, int[] residentLayers) {
    Objects.requireNonNull(costs, "costs");
    int L = costs.layers();
    int K = residentLayers.length;
    Integer[] order = new Integer[K];
    for (int p = 0; p < K; p++) {
      if (residentLayers[p] < 0 || residentLayers[p] > L) {
        throw new IllegalArgumentException("Instance " + p + " holds " + residentLayers[p] + " layers; the model has "
            + L + ".");
      }
      order[p] = p;
    }
    Arrays.sort(order, (a, b) -> Integer.compare(residentLayers[a], residentLayers[b]));
    double[] prefix = new double[L + 1];
    double[] layer = costs.layerSeconds();
    for (int i = 0; i < L; i++) {
      prefix[i + 1] = prefix[i] + layer[i];
    }
    double inf = Double.POSITIVE_INFINITY;
    double[][] f = new double[K + 1][L + 1];
    int[][] from = new int[K + 1][L + 1]; // -1: instance p skipped; else the stage's first layer
    for (double[] row : f) {
      Arrays.fill(row, inf);
    }
    f[0][0] = 0;
    for (int p = 1; p <= K; p++) {
      int r = residentLayers[order[p - 1]];
      for (int i = 0; i <= L; i++) {
        f[p][i] = f[p - 1][i];
        from[p][i] = -1;
        if (i == 0 || i > r) {
          continue;
        }
        for (int j = 0; j < i; j++) {
          if (f[p - 1][j] == inf) {
            continue;
          }
          double v = Math.max(f[p - 1][j], prefix[i] - prefix[j]);
          if (j > 0) {
            v = Math.max(v, costs.transferSeconds(j));
          }
          if (v < f[p][i]) {
            f[p][i] = v;
            from[p][i] = j;
          }
        }
      }
    }
    double best = inf;
    int split = 0;
    for (int i = 0; i < L; i++) { // the old instance keeps at least the last layer
      if (f[K][i] == inf) {
        continue;
      }
      double v = Math.max(f[K][i], prefix[L] - prefix[i]);
      if (i > 0) {
        v = Math.max(v, costs.transferSeconds(i));
      }
      if (v < best * (1 - 1e-12)) {
        best = v;
        split = i;
      }
    }
    List<Stage> stages = new ArrayList<>();
    stages.add(new Stage(-1, split, L, prefix[L] - prefix[split]));
    int i = split;
    for (int p = K; p >= 1; p--) {
      int j = from[p][i];
      if (j >= 0) {
        stages.add(0, new Stage(order[p - 1], j, i, prefix[i] - prefix[j]));
        i = j;
      }
    }
    double latency = 0;
    for (int s = 0; s < stages.size(); s++) {
      latency += stages.get(s).seconds();
      if (s > 0) {
        latency += costs.transferSeconds(stages.get(s).fromLayer());
      }
    }
    return new Split(stages, best, best > 0 ? costs.batch() / best : Double.POSITIVE_INFINITY, latency);
  }
}
