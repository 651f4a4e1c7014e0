package dev.scaleplan.profiler;

import dev.scaleplan.api.Checks;
import java.util.Comparator;
import java.util.Objects;

/**
 * Where a latency curve applies: a GPU type, a parallel degree (GPUs per instance, the tensor-parallel degree of an
 * LLM) and a phase.
 *
 * @param gpuType the GPU's name as the source gives it, such as {@code A100-80GB}; not blank
 * @param parallelDegree GPUs working on one batch, at least 1
 * @param phase which part of serving
 */
public record ProfileKey(String gpuType, int parallelDegree, Phase phase) implements Comparable<ProfileKey> {
  private static final Comparator<ProfileKey> ORDER = Comparator.comparing(ProfileKey::gpuType)
      .thenComparingInt(ProfileKey::parallelDegree).thenComparing(ProfileKey::phase);

  public ProfileKey {
    Objects.requireNonNull(gpuType, "gpuType");
    if (gpuType.isBlank() || gpuType.contains(",")) {
      throw new IllegalArgumentException("The GPU type ('" + gpuType + "') must be a non-blank name without commas.");
    }
    gpuType = gpuType.trim();
    Checks.atLeast("parallel degree", parallelDegree, 1);
    Objects.requireNonNull(phase, "phase");
  }

  @Override
  public int compareTo(ProfileKey o) {
    return ORDER.compare(this, o);
  }

  @Override
  public String toString() {
    return gpuType + " x" + parallelDegree + " " + phase.label();
  }
}
