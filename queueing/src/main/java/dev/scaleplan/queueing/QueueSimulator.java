package dev.scaleplan.queueing;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.DispatchRule;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import org.apache.commons.math3.distribution.TDistribution;

/**
 * A fast, seeded discrete-event estimator for one queue: Poisson arrivals, {@code servers} identical servers sharing
 * one FIFO queue, a free server taking up to {@code maxBatch} waiting requests as one batch under a
 * {@link DispatchRule}, batch service times from a {@link BatchServiceTime}.
 *
 * <p>Because service is FIFO and servers are identical, the earliest-free server always takes the head of the queue,
 * so the simulation needs no event list: a min-heap of server free times and the arrival sequence suffice. A batch
 * starts at {@code t = max(free, head arrival)} (work-conserving) or {@code t = max(free, min(head + T, arrival of
 * the B-th waiting request))} (max-queue-delay T, as Triton's dynamic batcher) and takes every request that has
 * arrived by t, up to B.
 *
 * <p>Each figure is the mean over independent replications, with a Student-t confidence interval across them (Law,
 * "Simulation Modeling and Analysis", 5th ed., 2015, §9.4.1). Arrivals and service times come from separate random
 * streams fixed by the seed, and inter-arrival times are unit exponentials divided by the rate, so runs at different
 * rates share random numbers (common random numbers), which keeps capacity searches monotone in practice.
 */
public final class QueueSimulator {
  /**
   * How much to simulate.
   *
   * @param customersPerReplication measured customers per replication, at least 1,000
   * @param replications independent replications, at least 2
   * @param warmupCustomers customers discarded at the start of each replication
   * @param confidenceLevel level of the reported intervals, in (0, 1)
   * @param seed the random seed; equal seeds give equal results
   */
  public record Options(
      int customersPerReplication, int replications, int warmupCustomers, double confidenceLevel, long seed) {
    public Options {
      Checks.atLeast("customers per replication", customersPerReplication, 1000);
      Checks.atLeast("replications", replications, 2);
      Checks.atLeast("warm-up customers", warmupCustomers, 0);
      if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
        throw new IllegalArgumentException("The confidence level (" + confidenceLevel + ") must be in (0, 1).");
      }
    }

    /** 10 replications of 100,000 customers after 10,000 of warm-up, 95% intervals, seed 1. */
    public static Options defaults() {
      return new Options(100_000, 10, 10_000, 0.95, 1);
    }

    public Options withSeed(long newSeed) {
      return new Options(customersPerReplication, replications, warmupCustomers, confidenceLevel, newSeed);
    }

    public Options withConfidence(double level) {
      return new Options(customersPerReplication, replications, warmupCustomers, level, seed);
    }

    public Options withCustomers(int perReplication, int warmup) {
      return new Options(perReplication, replications, warmup, confidenceLevel, seed);
    }

    public Options withReplications(int count) {
      return new Options(customersPerReplication, count, warmupCustomers, confidenceLevel, seed);
    }
  }

  private final String model;
  private final int servers;
  private final int maxBatch;
  private final DispatchRule dispatch;
  private final BatchServiceTime service;
  private final double saturationRate;
  private final Options options;

  private QueueSimulator(String model, int servers, int maxBatch, DispatchRule dispatch, BatchServiceTime service,
      double saturationRate, Options options) {
    this.model = Objects.requireNonNull(model, "model");
    this.servers = Checks.atLeast("servers", servers, 1);
    this.maxBatch = Checks.atLeast("max batch", maxBatch, 1);
    this.dispatch = Objects.requireNonNull(dispatch, "dispatch");
    this.service = Objects.requireNonNull(service, "service");
    this.saturationRate = Checks.positive("saturation rate (requests/s)", saturationRate);
    this.options = Objects.requireNonNull(options, "options");
  }

  /**
   * A simulator for the described queue.
   *
   * @param model the name the results carry (for example "batch" or "mmc-sim")
   * @param saturationRate the rate at or above which the queue is unstable (for example {@code c B / l(B)}, or
   *     {@code c / s} for one-at-a-time service); such rates are not simulated but reported unstable
   */
  public static QueueSimulator of(String model, int servers, int maxBatch, DispatchRule dispatch,
      BatchServiceTime service, double saturationRate, Options options) {
    return new QueueSimulator(model, servers, maxBatch, dispatch, service, saturationRate, options);
  }

  /** Simulates the queue at {@code arrivalRate} (above 0) requests per second. */
  public QueueMetrics run(double arrivalRate) {
    Checks.positive("arrival rate (requests/s) to simulate", arrivalRate);
    if (arrivalRate >= saturationRate) {
      return QueueMetrics.unstable(model, arrivalRate, arrivalRate / saturationRate, Method.EXACT);
    }
    int r = options.replications();
    double[] util = new double[r];
    double[] probWait = new double[r];
    double[] meanWait = new double[r];
    double[] meanResponse = new double[r];
    double[] meanBatch = new double[r];
    float[][] waits = new float[r][];
    float[][] responses = new float[r][];
    SplittableRandom root = new SplittableRandom(options.seed());
    for (int i = 0; i < r; i++) {
      Replication rep = replicate(arrivalRate, root.split(), root.split());
      util[i] = rep.utilization;
      probWait[i] = rep.probWait;
      meanWait[i] = rep.meanWait;
      meanResponse[i] = rep.meanResponse;
      meanBatch[i] = rep.meanBatch;
      waits[i] = rep.waits;
      responses[i] = rep.responses;
    }
    double t = new TDistribution(r - 1).inverseCumulativeProbability(0.5 + options.confidenceLevel() / 2);
    return QueueMetrics.builder(model, arrivalRate)
        .utilization(interval(util, t))
        .probWait(interval(probWait, t))
        .meanWait(interval(meanWait, t))
        .meanResponse(interval(meanResponse, t))
        .meanBatchSize(interval(meanBatch, t))
        .waitPercentiles(p -> interval(quantiles(waits, p / 100), t))
        .responsePercentiles(p -> interval(quantiles(responses, p / 100), t))
        .confidenceLevel(options.confidenceLevel())
        .note("simulation: " + r + " replications of " + options.customersPerReplication() + " customers")
        .build();
  }

  private record Replication(double utilization, double probWait, double meanWait, double meanResponse,
      double meanBatch, float[] waits, float[] responses) {}

  private Replication replicate(double rate, SplittableRandom arrivalsRng, SplittableRandom serviceRng) {
    int warm = options.warmupCustomers();
    int total = warm + options.customersPerReplication();
    // B - 1 unmeasured arrivals after the last measured one, so that every batch holding a measured request sees the
    // arrivals that would join it or fill it (the max-queue-delay rule looks B - 1 requests ahead).
    int generated = total + maxBatch - 1;
    double[] arrivals = new double[generated];
    double clock = 0;
    for (int i = 0; i < generated; i++) {
      clock += -Math.log(1 - arrivalsRng.nextDouble()) / rate;
      arrivals[i] = clock;
    }
    float[] waits = new float[total - warm];
    float[] responses = new float[total - warm];
    double[] free = new double[servers]; // a binary min-heap of server free times
    double timeout = dispatch instanceof DispatchRule.MaxQueueDelay d ? d.seconds() : 0;
    double busy = 0;
    long batches = 0;
    long batchedCustomers = 0;
    int waited = 0;
    double sumWait = 0;
    double sumResponse = 0;
    int next = 0;
    while (next < total) {
      double serverFree = free[0];
      double head = arrivals[next];
      double start;
      if (timeout > 0) {
        double fullAt = arrivals[next + maxBatch - 1];
        start = Math.max(serverFree, Math.min(head + timeout, fullAt));
      } else {
        start = Math.max(serverFree, head);
      }
      int end = next + 1;
      int limit = next + maxBatch;
      while (end < limit && arrivals[end] <= start) {
        end++;
      }
      int size = end - next;
      double duration = service.sample(size, serviceRng);
      double finish = start + duration;
      siftDownReplacingTop(free, finish);
      boolean measured = end > warm;
      if (measured) {
        int firstMeasured = Math.max(next, warm);
        int lastMeasured = Math.min(end, total); // exclusive
        busy += duration * (lastMeasured - firstMeasured) / size;
        batches++;
        batchedCustomers += size;
        for (int i = firstMeasured; i < lastMeasured; i++) {
          double w = start - arrivals[i];
          if (w > 0) {
            waited++;
          }
          sumWait += w;
          sumResponse += finish - arrivals[i];
          waits[i - warm] = (float) w;
          responses[i - warm] = (float) (finish - arrivals[i]);
        }
      }
      next = end;
    }
    int n = total - warm;
    double horizon = arrivals[total - 1] - (warm > 0 ? arrivals[warm - 1] : 0);
    Arrays.sort(waits);
    Arrays.sort(responses);
    return new Replication(Math.min(1, busy / (servers * horizon)), (double) waited / n, sumWait / n,
        sumResponse / n, (double) batchedCustomers / batches, waits, responses);
  }

  /** Replaces the smallest element of a binary min-heap by {@code value} and restores the heap. */
  private static void siftDownReplacingTop(double[] heap, double value) {
    int n = heap.length;
    int i = 0;
    while (true) {
      int child = 2 * i + 1;
      if (child >= n) {
        break;
      }
      if (child + 1 < n && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= value) {
        break;
      }
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = value;
  }

  /** The q-quantile of each replication's sorted sample (the smallest x with F(x) >= q). */
  private static double[] quantiles(float[][] sorted, double q) {
    double[] out = new double[sorted.length];
    for (int i = 0; i < sorted.length; i++) {
      float[] s = sorted[i];
      int k = (int) Math.ceil(q * s.length) - 1;
      out[i] = s[Math.max(0, Math.min(s.length - 1, k))];
    }
    return out;
  }

  private static Estimate interval(double[] x, double t) {
    double mean = 0;
    for (double v : x) {
      mean += v;
    }
    mean /= x.length;
    double ss = 0;
    for (double v : x) {
      ss += (v - mean) * (v - mean);
    }
    double half = t * Math.sqrt(ss / (x.length - 1) / x.length);
    return Estimate.simulated(mean, mean - half, mean + half);
  }
}
