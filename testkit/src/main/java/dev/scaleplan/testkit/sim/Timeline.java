package dev.scaleplan.testkit.sim;

import java.util.Arrays;

/** Per-bucket counts of a run, filled as it goes. */
final class Timeline {
  private final double width;
  private int buckets;
  private long[] arrivals = new long[64];
  private long[] completions = new long[64];
  private long[] late = new long[64];
  private double[] gpuSeconds = new double[64];
  private int[] ready = filled(64);
  private int[] provisioned = filled(64);
  private LogHistogram[] latency = new LogHistogram[64];

  Timeline(double width) {
    this.width = width;
  }

  private static int[] filled(int n) {
    int[] a = new int[n];
    Arrays.fill(a, -1);
    return a;
  }

  private int bucket(double t) {
    int b = (int) Math.min(Integer.MAX_VALUE - 1, Math.floor(t / width));
    ensure(b);
    return b;
  }

  private void ensure(int b) {
    if (b >= arrivals.length) {
      int n = Math.max(b + 1, 2 * arrivals.length);
      int old = arrivals.length;
      arrivals = Arrays.copyOf(arrivals, n);
      completions = Arrays.copyOf(completions, n);
      late = Arrays.copyOf(late, n);
      gpuSeconds = Arrays.copyOf(gpuSeconds, n);
      ready = Arrays.copyOf(ready, n);
      provisioned = Arrays.copyOf(provisioned, n);
      Arrays.fill(ready, old, n, -1);
      Arrays.fill(provisioned, old, n, -1);
      latency = Arrays.copyOf(latency, n);
    }
    buckets = Math.max(buckets, b + 1);
  }

  void arrival(double t) {
    arrivals[bucket(t)]++;
  }

  void completion(double t, double seconds, boolean wasLate) {
    int b = bucket(t);
    completions[b]++;
    if (wasLate) {
      late[b]++;
    }
    if (latency[b] == null) {
      latency[b] = new LogHistogram();
    }
    latency[b].record(seconds);
  }

  /** {@code gpus} were held from {@code since} to {@code now}. */
  void gpus(double now, int gpus, double since) {
    int b = bucket(since);
    bucket(now);
    for (double t = since; t < now && gpus > 0; b++) {
      ensure(b);
      double end = Math.min(now, (b + 1) * width);
      if (end > t) {
        gpuSeconds[b] += gpus * (end - t);
        t = end;
      }
    }
  }

  void instances(double t, int readyNow, int provisionedNow) {
    int b = bucket(t);
    ready[b] = readyNow;
    provisioned[b] = provisionedNow;
  }

  SimResult.Timeline snapshot() {
    int n = buckets;
    double[] p50 = new double[n];
    double[] p99 = new double[n];
    for (int b = 0; b < n; b++) {
      p50[b] = latency[b] == null ? -1 : latency[b].percentile(50);
      p99[b] = latency[b] == null ? -1 : latency[b].percentile(99);
    }
    // Instance counts are sampled at policy decisions; carry the last one over buckets without a decision.
    int[] r = Arrays.copyOf(ready, n);
    int[] p = Arrays.copyOf(provisioned, n);
    for (int b = 0; b < n; b++) {
      if (r[b] < 0) {
        r[b] = b == 0 ? 0 : r[b - 1];
        p[b] = b == 0 ? 0 : p[b - 1];
      }
    }
    return new SimResult.Timeline(width, Arrays.copyOf(arrivals, n), Arrays.copyOf(completions, n),
        Arrays.copyOf(late, n), Arrays.copyOf(gpuSeconds, n), r, p, p50, p99);
  }
}
