package dev.scaleplan.cli;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.Phase;

/** Embedded example data, so that every subcommand does something useful with no arguments. */
final class Examples {
  static final String RESNET50_A100_TITLE =
      "ResNet-50 on one A100 (Triton TensorRT FP16; NVIDIA DeepLearningExamples, offline table)";

  private Examples() {}

  /** The mean batch latency l(b) of ResNet-50 on one A100-80GB, from the profiler's embedded profile. */
  static BatchLatency.Tabulated resnet50A100() {
    return ExampleProfiles.resnet50().require("A100-80GB", 1, Phase.BATCH).toBatchLatency(LatencyCurve.Statistic.MEAN);
  }
}
