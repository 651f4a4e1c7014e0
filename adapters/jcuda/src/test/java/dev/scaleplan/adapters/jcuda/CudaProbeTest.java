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

  @Test
  void theReasonIsOneLine() {
    CudaProbe.unavailableReason().ifPresent(r -> assertEquals(1, r.lines().count(), r));
    // JCuda's loader message, abridged: the line naming libcuda is kept.
    assertEquals("libcuda.so.1: cannot open shared object file: No such file or directory", CudaProbe.concise(
        "Error while loading native library \"JCudaDriver-12.6.0-linux-x86_64\"\nOperating system name: Linux\n"
            + "java.lang.UnsatisfiedLinkError: /tmp/libJCudaDriver.so: libcuda.so.1: cannot open shared object file: "
            + "No such file or directory\n\tat java.base/jdk.internal.loader.NativeLibraries.load(Native Method)"));
    assertEquals("first", CudaProbe.concise("first\nsecond"));
    assertEquals("no detail", CudaProbe.concise(null));
  }
}
