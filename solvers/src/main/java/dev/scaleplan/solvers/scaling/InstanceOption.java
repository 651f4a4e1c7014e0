package dev.scaleplan.solvers.scaling;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.queueing.Method;
import java.util.Locale;
import java.util.Objects;

/**
 * One kind of instance the planner may run: a GPU type, the GPUs one replica spans (its parallel degree), how many
 * replicas share the instance's queue, the batch cap and dispatch rule (in {@link #config()}), and the capacity the
 * queueing module computed for it under the SLO.
 *
 * <p>The instance occupies {@code parallelDegree * config.servers()} GPUs of one type. Vertical scaling moves an
 * instance to an option of the same GPU type and parallel degree with more replicas (more GPUs in place); horizontal
 * scaling adds instances.
 *
 * @param gpuType the GPU type, as the profile names it
 * @param parallelDegree GPUs per replica (tensor-parallel degree), at least 1
 * @param config the queueing view of the instance: replicas (servers), max batch, batch latency, dispatch rule
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
