package dev.scaleplan.adapters.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class KindBindingTest {

  @Test
  void ofRequestsWholeNvidiaGpus() {
    KindBinding b = KindBinding.of("a100-x2", "llm-a100-x2", "server", 2);
    assertEquals(new KindBinding("a100-x2", "llm-a100-x2", "server", "nvidia.com/gpu", 2), b);
  }

  @Test
  void acceptsMigSlicesAndDottedNames() {
    KindBinding b = new KindBinding("H100_3g.40gb", "llm.h100-3g", "vllm-0", "nvidia.com/mig-3g.40gb", 1);
    assertEquals("nvidia.com/mig-3g.40gb", b.gpuResource());
  }

  @Test
  void gpusPerInstanceMustBeAtLeastOne() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KindBinding.of("a100-x1", "llm-a100-x1", "server", 0));
    assertEquals("The gpusPerInstance of kind \"a100-x1\" (0) must be at least 1.", e.getMessage());
  }

  @Test
  void namesMustBeWhatKubernetesAccepts() {
    assertMessage("The kind name (\"A100 x2\") must be a Kubernetes label value",
        () -> KindBinding.of("A100 x2", "llm", "server", 1));
    assertMessage("The kind name (\"\") must be", () -> KindBinding.of("", "llm", "server", 1));
    assertMessage("The kind name (\"" + "k".repeat(64) + "\") must be",
        () -> KindBinding.of("k".repeat(64), "llm", "server", 1));
    assertMessage("The deployment of kind \"a\" (\"LLM\") must be a Kubernetes object name",
        () -> KindBinding.of("a", "LLM", "server", 1));
    assertMessage("The container of kind \"a\" (\"vllm.server\") must be a Kubernetes container name",
        () -> KindBinding.of("a", "llm", "vllm.server", 1));
    assertMessage("The GPU resource of kind \"a\" (\"gpu\") must be an extended resource name",
        () -> new KindBinding("a", "llm", "server", "gpu", 1));
  }

  private static void assertMessage(String start, org.junit.jupiter.api.function.Executable build) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build);
    assertTrue(e.getMessage().startsWith(start), e.getMessage());
  }
}
