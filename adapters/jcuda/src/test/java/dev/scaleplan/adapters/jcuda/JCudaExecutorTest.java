package dev.scaleplan.adapters.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

/**
 * The executor on a real GPU. Each test is skipped, with the probe's reason, where there is none (as on CI); on a GPU
 * machine they run for real.
 */
class JCudaExecutorTest {
  static void needGpu() {
    assumeTrue(CudaProbe.available(), () -> "no CUDA device: " + CudaProbe.unavailableReason().orElse(""));
  }

  @Test
  void withoutAGpuOpeningSaysWhy() {
    assumeTrue(!CudaProbe.available(), "a GPU is present: this test is for machines without one");
    IllegalStateException e = assertThrows(IllegalStateException.class, () -> JCudaExecutor.open(0, 2, 256, 8));
    assertTrue(e.getMessage().startsWith("no CUDA device: "), e.getMessage());
  }

  @Test
  void latencyGrowsWithTheBatch() {
    needGpu();
    try (JCudaExecutor x = JCudaExecutor.open(0, 8, 2048, 512)) {
      x.runBatch(1, 1);  // warm up the JIT and clocks
      double small = median(() -> x.runBatch(1, 1));
      double large = median(() -> x.runBatch(512, 1));
      assertTrue(large > small, "batch 512: " + large + " s, batch 1: " + small + " s");
      // A range of layers takes about its share: half the layers, under three quarters of the time.
      double half = median(() -> x.runLayers(512, 0, 4));
      assertTrue(half < 0.75 * large, half + " vs " + large);
    }
  }

  @Test
  void bandwidthsLieInTheirHardwareRanges() {
    needGpu();
    try (JCudaExecutor x = JCudaExecutor.open(0, 4, 4096, 16)) {
      long bytes = x.layerBytes();  // 64 MiB
      double h2d = bytes / median(() -> x.hostToDeviceSeconds(bytes));
      // Pinned copies over PCIe: gen3 x16 about 12 GB/s, gen4 about 25, gen5 about 50 (of 16, 32, 64 nominal).
      assertTrue(h2d > 3e9 && h2d < 70e9, "host to device " + h2d / 1e9 + " GB/s");
      double d2d = bytes / median(() -> x.deviceToDeviceSeconds(bytes));
      assertTrue(d2d > h2d, "device to device " + d2d / 1e9 + " GB/s");
      // The loading planner's host-memory path for one GPU: the layers back to back at the link's rate. Its
      // prediction with the measured bandwidth must be within 20% of the measured load.
      x.loadLayers();
      double[] arrived = x.loadLayers();
      double predicted = x.layers() * bytes / h2d;
      double measured = arrived[arrived.length - 1];
      assertEquals(predicted, measured, 0.2 * measured, "predicted " + predicted + " s, measured " + measured + " s");
      for (int l = 1; l < arrived.length; l++) {
        assertTrue(arrived[l] > arrived[l - 1]);
      }
    }
  }

  static double median(java.util.function.DoubleSupplier run) {
    double[] x = new double[7];
    for (int i = 0; i < x.length; i++) {
      x[i] = run.getAsDouble();
    }
    return DeviceProfiler.median(x);
  }
}
