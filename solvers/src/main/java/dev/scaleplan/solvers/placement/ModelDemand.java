package dev.scaleplan.solvers.placement;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One model to place: its batch latency on each GPU type it can run on, the GPU memory one copy needs, its request
 * rate and its SLO.
 *
 * @param name a unique name
 * @param latencyByGpuType l(b) on one GPU, by GPU type (at least one)
 * @param memoryBytes the GPU memory one copy of the model needs (parameters plus working memory), above 0
 * @param ratePerSecond Poisson arrival rate, at least 0
 * @param slo the latency SLO of every request
 */
public record ModelDemand(String name, Map<String, BatchLatency> latencyByGpuType, long memoryBytes,
    double ratePerSecond, Slo slo) {
  public ModelDemand {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("A model's name must not be blank.");
    }
    Objects.requireNonNull(latencyByGpuType, "latencyByGpuType");
    if (latencyByGpuType.isEmpty()) {
      throw new IllegalArgumentException("Model '" + name + "' has no latency profile on any GPU type.");
    }
    latencyByGpuType = Map.copyOf(new TreeMap<>(latencyByGpuType));
    if (memoryBytes <= 0) {
      throw new IllegalArgumentException("Model '" + name + "': memoryBytes (" + memoryBytes + ") must be above 0.");
    }
    Checks.nonNegative("model '" + name + "' rate (requests/s)", ratePerSecond);
    if (ratePerSecond == Double.POSITIVE_INFINITY) {
      throw new IllegalArgumentException("Model '" + name + "': the rate must be finite.");
    }
    Objects.requireNonNull(slo, "slo");
  }

  /**
   * A model from a profile: every single-GPU (parallel degree 1) batch curve, at its mean latency.
   *
   * @throws IllegalArgumentException when the profile has no such curve
   */
  public static ModelDemand fromProfile(String name, LatencyProfile profile, long memoryBytes, double ratePerSecond,
      Slo slo) {
    Map<String, BatchLatency> latencies = new TreeMap<>();
    for (Map.Entry<ProfileKey, LatencyCurve> e : profile.curves().entrySet()) {
      if (e.getKey().parallelDegree() == 1 && e.getKey().phase() == Phase.BATCH) {
        latencies.put(e.getKey().gpuType(), e.getValue().toBatchLatency(LatencyCurve.Statistic.MEAN));
      }
    }
    if (latencies.isEmpty()) {
      throw new IllegalArgumentException("The profile of '" + profile.model() + "' has no single-GPU batch curve "
          + "to place model '" + name + "' with.");
    }
    return new ModelDemand(name, latencies, memoryBytes, ratePerSecond, slo);
  }
}
