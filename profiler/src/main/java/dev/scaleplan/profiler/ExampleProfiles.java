package dev.scaleplan.profiler;

import dev.scaleplan.profiler.io.ProfileCsv;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Profiles embedded in the library from published measurements, each resource citing its source in its header.
 * They are what the CLI and the examples use by default.
 */
public final class ExampleProfiles {
  /** ResNet-50 v1.5 under Triton (TensorRT FP16) on A100-80GB, V100-32GB, T4 and A40, batch 1 to 128. */
  public static final String RESNET50 = "resnet50";
  /** ResNet-50 v1.5 in plain PyTorch (no Triton), FP32 and AMP on V100 16GB and T4, batch 1 to 256; means only. */
  public static final String RESNET50_PYTORCH = "resnet50-pytorch";
  /** Clockwork's ResNet-50 v2 profile (TVM, V100), batch 1 to 16, with its weight bytes. */
  public static final String RESNET50_CLOCKWORK = "resnet50-clockwork";

  /**
   * One Llama-2-7B transformer layer on an A100 (tensor-parallel 1), by tokens per iteration, from Vidur's profile
   * (MLP-side operators; the live-offload examples multiply it by the model's 32 layers).
   */
  public static final String LLAMA2_7B_LAYER = "llama2-7b-layer";

  private ExampleProfiles() {}

  /** The names {@link #get} accepts. */
  public static List<String> names() {
    return List.of(RESNET50, RESNET50_PYTORCH, RESNET50_CLOCKWORK, LLAMA2_7B_LAYER);
  }

  /** The published ResNet-50 v1.5 Triton profile (NVIDIA DeepLearningExamples, offline scenario). */
  public static LatencyProfile resnet50() {
    return load("examples/resnet50-v1.5-triton.csv");
  }

  /** The example profile called {@code name}. */
  public static LatencyProfile get(String name) {
    switch (name.toLowerCase(Locale.ROOT).strip()) {
      case RESNET50:
        return resnet50();
      case RESNET50_PYTORCH:
        return load("examples/resnet50-v1.5-pytorch.csv");
      case RESNET50_CLOCKWORK:
        return load("examples/resnet50-v2-clockwork.csv");
      case LLAMA2_7B_LAYER:
        return load("examples/llama-2-7b-a100-vidur-layer.csv");
      default:
        break;
    }
    throw new IllegalArgumentException("There is no example profile '" + name + "'; the examples are " + names()
        + ".");
  }

  private static LatencyProfile load(String resource) {
    try (InputStream in = ExampleProfiles.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("The embedded profile " + resource + " is missing from the jar.");
      }
      try (Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8)) {
        return ProfileCsv.read(reader, resource);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
