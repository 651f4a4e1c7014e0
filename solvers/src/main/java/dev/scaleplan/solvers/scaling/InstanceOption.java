package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.queueing.Method;
import java.util.Locale;
import java.util.Objects;

/**
 * One kind of instance the planner may run: a GPU type, the GPUs one replica spans (its parallel degree), how many
 * replicas the instance runs ({@code config.servers()}), the batch cap and dispatch rule, and the capacity the
 * queueing module computed for it under the SLO.
 *
 * <p>The instance occupies {@code parallelDegree * replicas} GPUs of one type on one host. Its replicas each keep
 * their own batching queue behind an even split of the instance's traffic (a Poisson stream split at random stays
 * Poisson), so the instance's capacity is exactly {@code replicas} times one replica's. Pooling the replicas behind one
 * queue would serve a little more, but no exact model of a multi-server batching queue is at hand and simulating one
 * near saturation overstates it, so the planner does not count on it. Vertical scaling moves an instance to an option
 * of the same family with more replicas (more GPUs in place, no parameter load from outside the host); horizontal
 * scaling adds instances.
 *
 * @param gpuType the GPU type, as the profile names it
 * @param parallelDegree GPUs per replica (tensor-parallel degree), at least 1
 * @param config the instance: replicas ({@code servers}), max batch, batch latency of one replica, dispatch rule
 * @param capacityPerSecond the largest Poisson arrival rate at which the instance meets the SLO, above 0
 * @param capacityMethod how that capacity was computed (numerical for one work-conserving replica, simulated else)
 */
public record InstanceOption(
    String gpuType, int parallelDegree, InstanceConfig config, double capacityPerSecond, Method capacityMethod) {
  public InstanceOption {
    Objects.requireNonNull(gpuType, "gpuType");
    if (gpuType.isBlank()) {
      throw new IllegalArgumentException("The GPU type of an instance option must not be blank.");
    }
    Checks.atLeast("parallel degree", parallelDegree, 1);
    Objects.requireNonNull(config, "config");
    Checks.positive("capacity (requests/s) of " + gpuType, capacityPerSecond);
    if (!(capacityPerSecond <= 1e12)) {
      throw new IllegalArgumentException("The capacity of " + gpuType + " (" + capacityPerSecond
          + " requests/s) must be finite and at most 1e12.");
    }
    Objects.requireNonNull(capacityMethod, "capacityMethod");
  }

  /** GPUs the instance occupies: parallel degree times replicas. */
  public int gpus() {
    return parallelDegree * config.servers();
  }

  /** Replicas sharing the instance's queue. */
  public int replicas() {
    return config.servers();
  }

  /** The queue of one replica (the same batch cap, latency and dispatch rule, one server). */
  public InstanceConfig replicaConfig() {
    return new InstanceConfig(1, config.maxBatch(), config.latency(), config.dispatch());
  }

  /** The batch cap. */
  public int maxBatch() {
    return config.maxBatch();
  }

  /** Whether {@code other} is the same instance grown or shrunk in place: same GPU type, parallel degree and batch. */
  public boolean sameFamily(InstanceOption other) {
    return gpuType.equalsIgnoreCase(other.gpuType) && parallelDegree == other.parallelDegree
        && config.maxBatch() == other.config.maxBatch() && config.dispatch().equals(other.config.dispatch())
        && config.latency().equals(other.config.latency());
  }

  /** A short label such as {@code A100-80GB tp1 x2 B32}. */
  public String label() {
    return String.format(Locale.ROOT, "%s tp%d x%d B%d", gpuType, parallelDegree, config.servers(),
        config.maxBatch());
  }

  @Override
  public String toString() {
    return label() + String.format(Locale.ROOT, " (%d GPU, %.6g req/s)", gpus(), capacityPerSecond);
  }
}
