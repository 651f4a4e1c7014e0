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

  /**
   * shared/data/profiles.md section 1b (NVIDIA DeepLearningExamples, resnet50v1.5 README, PyTorch 21.03) and section
   * 1c (Clockwork's ResNet-50 v2 profile via erdos-scheduling-simulator), in ms.
   */
  @Test
  void pytorchAndClockworkProfilesMatchTheirSources() {
    LatencyProfile pt = ExampleProfiles.get("resnet50-pytorch");
    assertEquals(4, pt.curves().size());
    LatencyCurve v100 = pt.require("V100-16GB-FP32", 1, Phase.BATCH);
    assertEquals(10.37e-3, v100.points().get(0).meanSeconds(), 1e-15);
    assertEquals(10.24e-3, v100.points().get(1).meanSeconds(), 1e-15); // a published dip...
    assertEquals(10.37e-3, v100.seconds(2, Statistic.MEAN), 1e-15); // ...that queries do not follow
    assertEquals(225.95e-3, pt.require("T4-AMP", 1, Phase.BATCH).seconds(256, Statistic.MEAN), 1e-15);
    LatencyProfile cw = ExampleProfiles.get("resnet50-clockwork");
    assertEquals(12.439e-3, cw.require("V100", 1, Phase.BATCH).seconds(8, Statistic.MEAN), 1e-15);
    assertEquals(102_300_000L, cw.facts().parameterBytes().getAsLong());
    assertEquals(4, ExampleProfiles.names().size());
    for (String name : ExampleProfiles.names()) {
      assertTrue(ExampleProfiles.get(name).source().contains("shared/data"), name);
    }
    // VidurMlpReader on shared/data/vidur_profiling/compute/a100/meta-llama/Llama-2-7b-hf/mlp.csv gives, per layer,
    // 0.29085 ms at 1 token, 4.20205 ms at 2,048 and 8.11895 ms at 4,096 (the mean of the file's two 4,096 rows).
    LatencyCurve layer = ExampleProfiles.get("llama2-7b-layer").require("A100", 1, Phase.BATCH);
    assertEquals(0.29085e-3, layer.seconds(1, Statistic.MEAN), 1e-12);
    assertEquals(4.20205e-3, layer.seconds(2048, Statistic.MEAN), 1e-12);
    assertEquals(8.11895e-3, layer.seconds(4096, Statistic.MEAN), 1e-12);
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
