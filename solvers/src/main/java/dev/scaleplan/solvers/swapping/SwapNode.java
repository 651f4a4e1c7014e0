package dev.scaleplan.solvers.swapping;

import dev.scaleplan.api.Checks;

/**
 * One inference node for model swapping (FaaSwap, Yu et al., arXiv 2306.03622, section 2): {@code gpus} identical
 * GPUs, each with {@code gpuMemoryBytes} of memory and its own host-to-GPU link (PCIe) of
 * {@code hostToGpuBytesPerSecond}; every model's parameters live in host memory.
 *
 * @param gpus number of GPUs, at least 1
 * @param gpuMemoryBytes memory of one GPU in bytes, at least 1
 * @param hostToGpuBytesPerSecond host-to-GPU bandwidth of one GPU's link, finite and above 0 (Clockwork measured
 *     102.3 MB of ResNet-50 in 8.372 ms on PCIe 3, about 12.2e9 B/s)
 * @param interferenceFactor the execution slowdown f, at least 1, of every request on a GPU that runs swapped-in
 *     models alongside resident ones (1 means none); an input, measured on the target hardware
 */
public record SwapNode(int gpus, long gpuMemoryBytes, double hostToGpuBytesPerSecond, double interferenceFactor) {
  public SwapNode {
    Checks.atLeast("number of GPUs", gpus, 1);
    if (gpuMemoryBytes < 1) {
      throw new IllegalArgumentException("The GPU memory (" + gpuMemoryBytes + " B) must be at least 1 byte.");
    }
    Checks.positive("host-to-GPU bandwidth (B/s)", hostToGpuBytesPerSecond);
    if (!(interferenceFactor >= 1) || Double.isInfinite(interferenceFactor)) {
      throw new IllegalArgumentException("The interference factor (" + interferenceFactor
          + ") must be a finite number at least 1.\nMaybe 1 for no slowdown?");
    }
  }

  /** A node of {@code gpus} GPUs; see the record's components. */
  public static SwapNode of(int gpus, long gpuMemoryBytes, double hostToGpuBytesPerSecond, double interferenceFactor) {
    return new SwapNode(gpus, gpuMemoryBytes, hostToGpuBytesPerSecond, interferenceFactor);
  }
}
