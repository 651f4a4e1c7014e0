package dev.scaleplan.testkit.sim;

import dev.scaleplan.api.Slo;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * What a simulated run measured.
 *
 * @param policy the policy's name
 * @param slo the objective
 * @param requests requests that arrived after the warm-up
 * @param served of them, those that finished
 * @param dropped of the requests, those a Symphony dispatcher dropped as hopeless
 * @param violations measured requests that finished late or were dropped
 * @param latencies the measured requests' latencies in nanoseconds (3 significant digits); read-only by convention
 * @param gpuSeconds GPU time held, from each instance's start decision to its release
 * @param events every scaling event
 * @param timeline per-bucket counts
 * @param simulatedSeconds the simulated time at the end
 * @param wallSeconds the run's wall-clock time
 * @param processedEvents arrivals, completions, timers, loads and decisions processed
 */
public record SimResult(String policy, Slo slo, long requests, long served, long dropped, long violations,
    Histogram latencies, double gpuSeconds, List<ScalingEvent> events, Timeline timeline, double simulatedSeconds,
    double wallSeconds, long processedEvents) {

  /** The share of measured requests that met the SLO target (1 when there were none). */
  public double attainment() {
    long total = served + dropped;
    return total == 0 ? 1 : 1 - (double) violations / total;
  }

  /** The p-th percentile (0 to 100) of measured latency in seconds; NaN when nothing was measured. */
  public double percentileSeconds(double p) {
    return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(p) / 1e9;
  }

  /** The mean measured latency in seconds; NaN when nothing was measured. */
  public double meanSeconds() {
    return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getMean() / 1e9;
  }

  /** Requests per second of wall-clock time. */
  public double requestsPerWallSecond() {
    return wallSeconds > 0 ? served / wallSeconds : Double.POSITIVE_INFINITY;
  }

  /** How many instances the policy started after time 0. */
  public long scaleUps() {
    return events.stream().filter(e -> e.kind() == ScalingEvent.Kind.START && e.seconds() > 0).count();
  }

  /**
   * Per-bucket counts: {@code arrivals[b]} in {@code [b width, (b + 1) width)}, completions, late completions,
   * GPU-seconds held, ready and provisioned (ready plus loading) instances at the last decision in or before the
   * bucket, and the 50th and 99th percentiles of latency of the requests that finished in it (within 5%; -1 when
   * none).
   */
  public record Timeline(double bucketSeconds, long[] arrivals, long[] completions, long[] late, double[] gpuSeconds,
      int[] ready, int[] provisioned, double[] p50Seconds, double[] p99Seconds) {

    /** The number of buckets. */
    public int buckets() {
      return arrivals.length;
    }
  }
}
