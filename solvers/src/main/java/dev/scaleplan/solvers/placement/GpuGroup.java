package dev.scaleplan.solvers.placement;

import dev.scaleplan.api.Checks;
import java.util.Objects;

/**
 * A sub-cluster of identical GPUs (Symphony's GPU groups, AlpaServe's device groups).
 *
 * @param name a unique name
 * @param gpuType the GPU type, as the models' profiles name it
 * @param gpus how many GPUs, at least 1
 * @param memoryBytesPerGpu each GPU's memory, above 0
 */
public record GpuGroup(String name, String gpuType, int gpus, long memoryBytesPerGpu) {
  public GpuGroup {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(gpuType, "gpuType");
    if (name.isBlank() || gpuType.isBlank()) {
      throw new IllegalArgumentException("A GPU group needs a name and a GPU type.");
    }
    Checks.atLeast("group '" + name + "' gpus", gpus, 1);
    if (memoryBytesPerGpu <= 0) {
      throw new IllegalArgumentException("Group '" + name + "': memoryBytesPerGpu (" + memoryBytesPerGpu
          + ") must be above 0.");
    }
  }
}
