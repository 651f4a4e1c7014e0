package dev.scaleplan.profiler;

import dev.scaleplan.api.Checks;

/**
 * The latency of one batch size, as measured: the mean and the 99th percentile, in seconds.
 *
 * @param batchSize the batch size, at least 1
 * @param meanSeconds mean latency of a batch of this size, above 0
 * @param p99Seconds 99th-percentile latency, above 0 (equal to the mean when only a mean was published)
 */
public record LatencyPoint(int batchSize, double meanSeconds, double p99Seconds) {
  public LatencyPoint {
    Checks.atLeast("batch size", batchSize, 1);
    Checks.positive("mean latency (s) at batch " + batchSize, meanSeconds);
    Checks.positive("p99 latency (s) at batch " + batchSize, p99Seconds);
  }
}
