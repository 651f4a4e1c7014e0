package dev.scaleplan.api;

import java.util.Objects;

/**
 * One serving instance as the queueing models see it: {@code servers} identical GPU workers sharing one FIFO queue,
 * each running batches of at most {@code maxBatch} requests in {@code latency.seconds(b)} seconds, started by the
 * {@code dispatch} rule.
 *
 * @param servers parallel servers (model replicas or GPUs) sharing the queue, at least 1
 * @param maxBatch the largest batch a server takes, at least 1 and within the latency function's range
 * @param latency batch latency l(b) of one server
 * @param dispatch when a free server starts a batch
 */
public record InstanceConfig(int servers, int maxBatch, BatchLatency latency, DispatchRule dispatch) {
  public InstanceConfig {
    Checks.atLeast("servers", servers, 1);
    Checks.atLeast("maxBatch", maxBatch, 1);
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(dispatch, "dispatch");
    if (maxBatch > latency.maxBatchSize()) {
      throw new IllegalArgumentException("The maxBatch (" + maxBatch + ") is beyond the batch latency's range 1.."
          + latency.maxBatchSize() + ".\nMaybe the profile has no measurement at this batch size?");
    }
  }

  /** An instance with the given servers, max batch and latency, and the work-conserving dispatch rule. */
  public static InstanceConfig of(int servers, int maxBatch, BatchLatency latency) {
    return new InstanceConfig(servers, maxBatch, latency, DispatchRule.workConserving());
  }

  /** The same instance with another dispatch rule. */
  public InstanceConfig withDispatch(DispatchRule rule) {
    return new InstanceConfig(servers, maxBatch, latency, rule);
  }

  /**
   * The arrival rate at which the instance saturates: every server busy with full batches,
   * {@code servers * maxBatch / l(maxBatch)} requests per second. Under overload a queue always holds at least
   * {@code maxBatch} requests, so every batch is full whatever the dispatch rule; no queue is stable at or above this
   * rate (Chaudhry and Templeton, "A First Course in Bulk Queues", 1983, ch. 4: the bulk-service queue is stable iff
   * {@code lambda * l(B) < c * B}).
   */
  public double saturationRatePerSecond() {
    return servers * maxBatch / latency.seconds(maxBatch);
  }
}
