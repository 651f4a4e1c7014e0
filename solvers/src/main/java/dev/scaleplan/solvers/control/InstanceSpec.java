package dev.scaleplan.solvers.control;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.DispatchRule;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import dev.scaleplan.solvers.batching.BatchDispatcher;
import java.util.List;
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

  /**
   * Each kind's capacity under the SLO, requests per second: the largest rate at which it meets the SLO by the queueing
   * model ({@link Capacity#of}; Symphony kinds as work-conserving). The catalog is one model at growing sizes: entry 0
   * the smallest, each next one with more servers.
   *
   * @throws IllegalArgumentException for an empty catalog, kinds that do not grow in servers, or a kind that meets the
   *     SLO at no rate (with the queueing model's reason)
   */
  public static double[] capacities(List<InstanceSpec> catalog, Slo slo) {
    if (catalog == null || catalog.isEmpty()) {
      throw new IllegalArgumentException("The catalog must list at least one instance kind.");
    }
    double[] capacity = new double[catalog.size()];
    for (int k = 0; k < catalog.size(); k++) {
      InstanceSpec s = catalog.get(k);
      if (k > 0 && s.servers() <= catalog.get(k - 1).servers()) {
        throw new IllegalArgumentException("The catalog's kinds must grow in servers (one model at growing sizes): "
            + "entry " + k + " ('" + s.name() + "') has " + s.servers() + ", entry " + (k - 1) + " has "
            + catalog.get(k - 1).servers() + ".");
      }
      DispatchRule rule = s.dispatch().rule() != null ? s.dispatch().rule() : DispatchRule.workConserving();
      CapacityResult c = Capacity.of(new InstanceConfig(s.servers(), s.maxBatch(), s.latency(), rule), slo);
      if (!c.feasible()) {
        throw new IllegalArgumentException("Instance kind '" + s.name() + "' x" + s.servers() + " meets " + slo
            + " at no rate: " + c.reason());
      }
      capacity[k] = c.maxRatePerSecond();
    }
    return capacity;
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
