package dev.scaleplan.solvers.control;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import java.util.Objects;

/**
 * One kind of serving instance: a queue in front of {@code servers} identical servers (replicas that share the
 * queue), each running batches of up to {@code maxBatch} requests in {@code l(b)} seconds, taking {@code gpus} GPUs in
 * all.
 *
 * @param name a name for reports (for example "A100 x2")
 * @param latency the batch latency l(b) of one server
 * @param servers servers sharing the queue, at least 1
 * @param maxBatch the batch cap, 1 to the latency's largest batch
 * @param dispatch when a free server starts a batch
 * @param gpus GPUs the instance holds (for GPU-seconds), at least 1
 * @param service whether a batch takes exactly l(b) or an exponential time of that mean (for M/M/c checks)
 */
public record InstanceSpec(String name, BatchLatency latency, int servers, int maxBatch, Dispatch dispatch, int gpus,
    Service service) {

  /** How long a batch takes. */
  public enum Service {
    /** Exactly l(b): the profiled latency. */
    DETERMINISTIC,
    /** Exponential with mean l(b) (for checking against M/M/c; only meaningful with a max batch of 1). */
    EXPONENTIAL
  }

  /**
   * When a free server starts a batch: one of the queueing module's rules ({@link DispatchRule}) or Symphony's
   * deadline-aware dispatcher ({@link BatchDispatcher}).
   *
   * @param rule the queueing module's rule, or null with a Symphony rule
   * @param symphony the Symphony rule, or null
   */
  public record Dispatch(DispatchRule rule, BatchDispatcher.Rule symphony) {
    public Dispatch {
      if ((rule == null) == (symphony == null)) {
        throw new IllegalArgumentException("Give exactly one of a dispatch rule and a Symphony rule.");
      }
    }

    /** Start at once with whatever waits. */
    public static Dispatch workConserving() {
      return new Dispatch(DispatchRule.workConserving(), null);
    }

    /** Triton's max queue delay. */
    public static Dispatch maxQueueDelay(double seconds) {
      return new Dispatch(DispatchRule.maxQueueDelay(seconds), null);
    }

    /** Symphony's dispatcher with the given rule; deadlines are arrival plus the SLO target. */
    public static Dispatch symphony(BatchDispatcher.Rule rule) {
      return new Dispatch(null, Objects.requireNonNull(rule, "rule"));
    }

    @Override
    public String toString() {
      return rule != null ? rule.toString() : "symphony " + symphony;
    }
  }

  public InstanceSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(latency, "latency");
    Objects.requireNonNull(dispatch, "dispatch");
    Objects.requireNonNull(service, "service");
    Checks.atLeast("servers of instance '" + name + "'", servers, 1);
    Checks.atLeast("max batch of instance '" + name + "'", maxBatch, 1);
    Checks.atLeast("GPUs of instance '" + name + "'", gpus, 1);
    if (maxBatch > latency.maxBatchSize()) {
      throw new IllegalArgumentException("The max batch of instance '" + name + "' (" + maxBatch + ") is beyond its "
          + "latency's largest batch (" + latency.maxBatchSize() + ").");
    }
    if (maxBatch > BatchDispatcher.MAX_SUPPORTED_BATCH) {
      throw new IllegalArgumentException("The max batch of instance '" + name + "' (" + maxBatch + ") must be at most "
          + BatchDispatcher.MAX_SUPPORTED_BATCH + ".");
    }
  }

  /** A deterministic, work-conserving instance of one server on one GPU. */
  public static InstanceSpec of(String name, BatchLatency latency, int maxBatch) {
    return new InstanceSpec(name, latency, 1, maxBatch, Dispatch.workConserving(), 1, Service.DETERMINISTIC);
  }

  /** The throughput of full batches, {@code servers maxBatch / l(maxBatch)}, a router weight. */
  public double peakThroughput() {
    return servers * maxBatch / latency.seconds(maxBatch);
  }

  /** The same instance with another dispatch rule. */
  public InstanceSpec withDispatch(Dispatch d) {
    return new InstanceSpec(name, latency, servers, maxBatch, d, gpus, service);
  }

  /** The same instance with {@code n} servers and GPUs scaled alike (a vertical step). */
  public InstanceSpec withServers(int n) {
    return new InstanceSpec(name, latency, n, maxBatch, dispatch, Math.max(1, gpus / servers * n), service);
  }
}
