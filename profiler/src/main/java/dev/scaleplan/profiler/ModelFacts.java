package dev.scaleplan.profiler;

import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * What a profile may know about the model besides latency, for loading and live offload: its parameter bytes in
 * total and per layer, each layer's share of a batch's latency, the activation bytes one request passes across a layer
 * boundary, and the GPU memory an instance needs. Every figure is optional; empty arrays mean "not known".
 *
 * <p>Layer shares model a layer's latency as its share of the whole batch's latency at every batch size (the layers
 * of a transformer are identical, so equal shares are exact there; for a CNN the shares are an approximation).
 *
 * @param parameterBytes parameter bytes in total
 * @param layerParameterBytes parameter bytes per layer, in order; if {@code parameterBytes} is known, they sum to at
 *     most it (the rest is embeddings and heads)
 * @param layerLatencyShares each layer's share of a batch's latency, each at least 0, summing to 1
 * @param activationBytesPerRequest bytes one request's activations take at a layer boundary
 * @param gpuMemoryBytes GPU memory one instance needs (parameters, activations, caches)
 */
public record ModelFacts(OptionalLong parameterBytes, long[] layerParameterBytes, double[] layerLatencyShares,
    OptionalLong activationBytesPerRequest, OptionalLong gpuMemoryBytes) {
  /** Nothing known. */
  public static final ModelFacts NONE =
      new ModelFacts(OptionalLong.empty(), new long[0], new double[0], OptionalLong.empty(), OptionalLong.empty());

  public ModelFacts {
    Objects.requireNonNull(parameterBytes, "parameterBytes");
    Objects.requireNonNull(activationBytesPerRequest, "activationBytesPerRequest");
    Objects.requireNonNull(gpuMemoryBytes, "gpuMemoryBytes");
    layerParameterBytes = Objects.requireNonNull(layerParameterBytes, "layerParameterBytes").clone();
    layerLatencyShares = Objects.requireNonNull(layerLatencyShares, "layerLatencyShares").clone();
    positive("parameter bytes", parameterBytes);
    positive("activation bytes per request", activationBytesPerRequest);
    positive("GPU memory bytes", gpuMemoryBytes);
    long sum = 0;
    for (int i = 0; i < layerParameterBytes.length; i++) {
      if (layerParameterBytes[i] < 0) {
        throw new IllegalArgumentException("The parameter bytes of layer " + i + " (" + layerParameterBytes[i]
            + ") must be at least 0.");
      }
      sum += layerParameterBytes[i];
    }
    if (parameterBytes.isPresent() && sum > parameterBytes.getAsLong()) {
      throw new IllegalArgumentException("The layers' parameter bytes (" + sum + ") exceed the model's total ("
          + parameterBytes.getAsLong() + ").");
    }
    if (layerLatencyShares.length > 0) {
      double total = 0;
      for (int i = 0; i < layerLatencyShares.length; i++) {
        if (!(layerLatencyShares[i] >= 0) || Double.isInfinite(layerLatencyShares[i])) {
          throw new IllegalArgumentException("The latency share of layer " + i + " (" + layerLatencyShares[i]
              + ") must be a finite number at least 0.");
        }
        total += layerLatencyShares[i];
      }
      if (Math.abs(total - 1) > 1e-9) {
        throw new IllegalArgumentException("The layers' latency shares sum to " + total + "; they must sum to 1.");
      }
    }
    if (layerParameterBytes.length > 0 && layerLatencyShares.length > 0
        && layerParameterBytes.length != layerLatencyShares.length) {
      throw new IllegalArgumentException("The profile gives parameter bytes for " + layerParameterBytes.length
          + " layers but latency shares for " + layerLatencyShares.length + ".");
    }
  }

  private static void positive(String what, OptionalLong v) {
    if (v.isPresent() && v.getAsLong() <= 0) {
      throw new IllegalArgumentException("The " + what + " (" + v.getAsLong() + ") must be above 0.");
    }
  }

  /** How many layers the facts describe (0 when no per-layer figure is known). */
  public int layers() {
    return Math.max(layerParameterBytes.length, layerLatencyShares.length);
  }

  /** Whether nothing is known. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  @Override
  public long[] layerParameterBytes() {
    return layerParameterBytes.clone();
  }

  @Override
  public double[] layerLatencyShares() {
    return layerLatencyShares.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelFacts f && parameterBytes.equals(f.parameterBytes)
        && Arrays.equals(layerParameterBytes, f.layerParameterBytes)
        && Arrays.equals(layerLatencyShares, f.layerLatencyShares)
        && activationBytesPerRequest.equals(f.activationBytesPerRequest) && gpuMemoryBytes.equals(f.gpuMemoryBytes);
  }

  @Override
  public int hashCode() {
    return Objects.hash(parameterBytes, Arrays.hashCode(layerParameterBytes), Arrays.hashCode(layerLatencyShares),
        activationBytesPerRequest, gpuMemoryBytes);
  }

  @Override
  public String toString() {
    return "ModelFacts{parameterBytes=" + parameterBytes + ", layers=" + layers() + ", activationBytesPerRequest="
        + activationBytesPerRequest + ", gpuMemoryBytes=" + gpuMemoryBytes + "}";
  }
}
