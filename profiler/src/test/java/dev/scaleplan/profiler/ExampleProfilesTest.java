package dev.scaleplan.profiler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scaleplan.profiler.LatencyCurve.Statistic;
import org.junit.jupiter.api.Test;

class ExampleProfilesTest {

  /**
   * Values printed in NVIDIA/DeepLearningExamples, PyTorch/Classification/ConvNets/triton/resnet50/README.md,
   * "Offline scenario" tables (also shared/data/profiles.md, section 1a), in ms.
   */
  @Test
  void resnet50MatchesThePublishedTables() {
    LatencyProfile p = ExampleProfiles.resnet50();
    assertEquals("resnet50-v1.5", p.model());
    assertTrue(p.source().contains("DeepLearningExamples"), p.source());
    assertEquals(4, p.curves().size());
    LatencyCurve a100 = p.require("A100-80GB", 1, Phase.BATCH);
    assertEquals(11.193e-3, a100.seconds(32, Statistic.MEAN), 1e-15);
    assertEquals(11.962e-3, a100.seconds(32, Statistic.P99), 1e-15);
    assertEquals(2.128e-3, a100.seconds(1, Statistic.MEAN), 1e-15);
    assertEquals(100.155e-3, p.require("T4", 1, Phase.BATCH).seconds(128, Statistic.MEAN), 1e-15);
    assertEquals(3.143e-3, p.require("v100-32gb", 1, Phase.BATCH).seconds(1, Statistic.P99), 1e-15);
    assertEquals(67.889e-3, p.require("A40", 1, Phase.BATCH).seconds(128, Statistic.MEAN), 1e-15);
    for (LatencyCurve c : p.curves().values()) {
      assertEquals(8, c.points().size());
      assertEquals(1, c.minBatch());
      assertEquals(128, c.maxBatch());
    }
  }

  @Test
  void unknownNamesAndCurvesAreClearErrors() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ExampleProfiles.get("gpt5"));
    assertTrue(e.getMessage().contains("resnet50"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> ExampleProfiles.resnet50().require("H100", 1, Phase.BATCH));
    assertTrue(e.getMessage().contains("no curve for H100 x1 batch"), e.getMessage());
    assertTrue(e.getMessage().contains("A100-80GB"), e.getMessage());
  }
}
