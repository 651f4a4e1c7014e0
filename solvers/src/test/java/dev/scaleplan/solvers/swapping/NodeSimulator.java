package dev.scaleplan.solvers.swapping;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

/**
 * An independent discrete-event simulator of a swapping node, for checking {@link SwapPlanner}'s predictions. It takes
 * only the plan's decisions (each model's GPU and whether it is resident) and recomputes everything else itself:
 * Poisson arrivals from a seeded {@link SplittableRandom} (one split stream per model), one FIFO queue per GPU serving
 * one request at a time, a one-model swap buffer per GPU (a swapped request whose model is in the buffer runs at
 * once, otherwise it swaps in with the layer-pipelined time computed here by its own recursion, and the buffer then
 * holds its model), and the interference factor on every execution of a GPU that serves both resident and swapped
 * models. Response times of requests that arrive in the first tenth of the run (the warm-up) are dropped.
 */
final class NodeSimulator {
  private static final int ARRIVAL = 0;
  private static final int DONE = 1;

  private NodeSimulator() {}

  /** The response times of each model (sorted), index as in {@code models}; empty for models not served. */
  static double[][] run(SwapNode node, List<SwapModel> models, SwapPlan plan, double horizonSeconds, long seed) {
    int n = models.size();
    int gpus = node.gpus();
    boolean[] hasResident = new boolean[gpus];
    boolean[] hasSwapped = new boolean[gpus];
    for (ModelPlan m : plan.models()) {
      if (m.mode() == ModelPlan.Mode.RESIDENT) {
        hasResident[m.gpu()] = true;
      } else if (m.mode() == ModelPlan.Mode.SWAPPED) {
        hasSwapped[m.gpu()] = true;
      }
    }
    double[] factor = new double[gpus];
    for (int g = 0; g < gpus; g++) {
      factor[g] = hasResident[g] && hasSwapped[g] ? node.interferenceFactor() : 1;
    }
    // Events: {time, kind, model or gpu, arrival time}; ties by kind so completions free the GPU first.
    PriorityQueue<double[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Double.compare(a[0], b[0])
        : Double.compare(b[1], a[1]));
    SplittableRandom root = new SplittableRandom(seed);
    SplittableRandom[] streams = new SplittableRandom[n];
    for (int i = 0; i < n; i++) {
      streams[i] = root.split();
      ModelPlan p = plan.models().get(i);
      double rate = models.get(i).ratePerSecond();
      if (p.mode() != ModelPlan.Mode.UNSERVED && rate > 0) {
        events.add(new double[] {exponential(streams[i], rate), ARRIVAL, i, 0});
      }
    }
    @SuppressWarnings("unchecked")
    ArrayDeque<double[]>[] queues = new ArrayDeque[gpus];
    boolean[] busy = new boolean[gpus];
    int[] buffer = new int[gpus];
    Arrays.fill(buffer, -1);
    for (int g = 0; g < gpus; g++) {
      queues[g] = new ArrayDeque<>();
    }
    double[][] latencies = new double[n][];
    int[] counts = new int[n];
    for (int i = 0; i < n; i++) {
      latencies[i] = new double[16];
    }
    double warmup = horizonSeconds / 10;
    while (!events.isEmpty()) {
      double[] e = events.poll();
      double now = e[0];
      if (e[1] == ARRIVAL) {
        int i = (int) e[2];
        int g = plan.models().get(i).gpu();
        queues[g].add(new double[] {i, now});
        double next = now + exponential(streams[i], models.get(i).ratePerSecond());
        if (next < horizonSeconds) {
          events.add(new double[] {next, ARRIVAL, i, 0});
        }
        if (!busy[g]) {
          start(g, now, queues, busy, buffer, factor, node, models, plan, events);
        }
      } else {
        int g = (int) e[2];
        int i = (int) e[3];
        double arrived = e[4];
        if (arrived >= warmup) {
          if (counts[i] == latencies[i].length) {
            latencies[i] = Arrays.copyOf(latencies[i], 2 * counts[i]);
          }
          latencies[i][counts[i]++] = now - arrived;
        }
        busy[g] = false;
        if (!queues[g].isEmpty()) {
          start(g, now, queues, busy, buffer, factor, node, models, plan, events);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      latencies[i] = Arrays.copyOf(latencies[i], counts[i]);
      Arrays.sort(latencies[i]);
    }
    return latencies;
  }

  private static void start(int g, double now, ArrayDeque<double[]>[] queues, boolean[] busy, int[] buffer,
      double[] factor, SwapNode node, List<SwapModel> models, SwapPlan plan, PriorityQueue<double[]> events) {
    double[] request = queues[g].poll();
    int i = (int) request[0];
    SwapModel m = models.get(i);
    double run = factor[g] * m.latency().seconds(1);
    double service;
    if (plan.models().get(i).mode() == ModelPlan.Mode.RESIDENT || buffer[g] == i) {
      service = run;
    } else {
      service = pipelined(m.layerBytes(), node.hostToGpuBytesPerSecond(), run);
      buffer[g] = i;
    }
    busy[g] = true;
    events.add(new double[] {now + service, DONE, g, i, request[1]});
  }

  /** Layer k starts when it has arrived and layer k-1 is done; transfers back to back at the link's bandwidth. */
  static double pipelined(long[] layerBytes, double bandwidth, double computeSeconds) {
    double perLayer = computeSeconds / layerBytes.length;
    double arrived = 0;
    double done = 0;
    for (long b : layerBytes) {
      arrived += b / bandwidth;
      done = Math.max(done, arrived) + perLayer;
    }
    return done;
  }

  private static double exponential(SplittableRandom random, double rate) {
    return -Math.log(1 - random.nextDouble()) / rate;
  }

  /**
   * A lower confidence bound for the q-quantile of the population behind {@code sorted}: the order statistic of rank
   * {@code floor(n q - z sqrt(n q (1 - q)))} (distribution-free, from the binomial count of samples below the
   * quantile, normal approximation; Conover, "Practical Nonparametric Statistics", 3rd ed., 1999, section 3.2). If
   * this bound is above a target, the simulated quantile exceeds the target with confidence about Phi(z).
   */
  static double quantileLowerBound(double[] sorted, double q, double z) {
    int n = sorted.length;
    int rank = (int) Math.floor(n * q - z * Math.sqrt(n * q * (1 - q)));
    return rank < 1 ? 0 : sorted[Math.min(n, rank) - 1];
  }

  /** The empirical q-quantile (the order statistic of rank ceil(n q)). */
  static double quantile(double[] sorted, double q) {
    int n = sorted.length;
    return n == 0 ? Double.NaN : sorted[Math.max(0, (int) Math.ceil(n * q) - 1)];
  }
}
