package dev.scaleplan.adapters.jcuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;

class CudaProbeTest {

  @Test
  void answersConsistentlyWithOrWithoutAGpu() {
    boolean first = CudaProbe.available();
    assertEquals(first, CudaProbe.available(), "the probe runs once and remembers");
    assertEquals(!first, CudaProbe.unavailableReason().isPresent());
    CudaProbe.unavailableReason().ifPresent(reason -> assertFalse(reason.isBlank()));
  }

  /** Runs for real on a GPU machine; skipped (not passed) elsewhere. */
  @Test
  void describesEveryGpu() {
    assumeTrue(CudaProbe.available(), () -> "no GPU: " + CudaProbe.unavailableReason().orElse(""));
    for (CudaProbe.Device d : CudaProbe.devices()) {
      assertFalse(d.name().isBlank());
      assertTrue(d.totalMemoryBytes() > (1L << 30), d + " has at least 1 GiB");
      assertTrue(d.computeMajor() >= 3, d.toString());
    }
  }
}
