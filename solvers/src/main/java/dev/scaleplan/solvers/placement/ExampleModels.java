package dev.scaleplan.solvers.placement;

import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * An embedded placement example: many copies of the published ResNet-50 v1.5 Triton profile (NVIDIA
 * DeepLearningExamples; A100-80GB, V100-32GB, T4, A40) at Zipf-skewed rates, a few hot and many cold, as the
 * multi-model evaluations of Nexus, Clockwork and Symphony use many instances of the same networks.
 */
public final class ExampleModels {
  /**
   * GPU memory one copy takes: the weights (102.3 MB, as Clockwork loads them) plus TensorRT workspace and
   * activations at batch 128, rounded up to 512 MiB. An assumption of this example, not a measurement; give your own
   * in a models file.
   */
  public static final long MEMORY_BYTES = 512L << 20;

  /** The SLOs the example cycles through: p99 within 25, 50 and 100 ms. */
  public static final List<Slo> SLOS = List.of(Slo.of(99, 0.025), Slo.of(99, 0.050), Slo.of(99, 0.100));

  private ExampleModels() {}

  /**
   * {@code count} models whose rates follow Zipf's law with exponent 1 and sum to {@code totalRate}: model k (from 1)
   * gets {@code totalRate / (k H_count)}. Model k has SLO {@code SLOS[(k-1) % 3]}.
   */
  public static List<ModelDemand> zipf(int count, double totalRate) {
    Checks.atLeast("model count", count, 1);
    Checks.positive("total rate (requests/s)", totalRate);
    LatencyProfile profile = ExampleProfiles.resnet50();
    double harmonic = 0;
    for (int k = 1; k <= count; k++) {
      harmonic += 1.0 / k;
    }
    List<ModelDemand> models = new ArrayList<>(count);
    for (int k = 1; k <= count; k++) {
      models.add(ModelDemand.fromProfile(String.format("resnet50-%03d", k), profile, MEMORY_BYTES,
          totalRate / (k * harmonic), SLOS.get((k - 1) % SLOS.size())));
    }
    return models;
  }

  /** The example cluster: 64 A100-80GB, 64 T4 (16 GB) and 32 V100-32GB GPUs. */
  public static List<GpuGroup> groups() {
    return List.of(new GpuGroup("a100", "A100-80GB", 64, 80L << 30), new GpuGroup("t4", "T4", 64, 16L << 30),
        new GpuGroup("v100", "V100-32GB", 32, 32L << 30));
  }
}
