package dev.scaleplan.solvers.offload;

import dev.scaleplan.api.Checks;
import java.util.Arrays;
import java.util.Objects;

/**
 * What running a batch layer by layer costs: each layer's compute time for the batch on one GPU (instance), the
 * activation bytes one request carries across each layer boundary, and the link between two cooperating instances.
 *
 * @param layerSeconds compute time of each layer for one batch, each at least 0, at least one layer
 * @param boundaryBytes activation bytes per request entering layer {@code i} ({@code i = 0..L-1}); index 0 is the
 *     request itself, which never crosses the link
 * @param batch requests per batch, at least 1
 * @param linkBytesPerSecond bandwidth of the link between instances, above 0
 * @param linkLatencySeconds latency of one transfer, at least 0
 */
public record LayerCosts(double[] layerSeconds, long[] boundaryBytes, int batch, double linkBytesPerSecond,
    double linkLatencySeconds) {
  public LayerCosts {
    layerSeconds = Objects.requireNonNull(layerSeconds, "layerSeconds").clone();
    boundaryBytes = Objects.requireNonNull(boundaryBytes, "boundaryBytes").clone();
    if (layerSeconds.length == 0) {
      throw new IllegalArgumentException("A model needs at least one layer.");
    }
    if (boundaryBytes.length != layerSeconds.length) {
      throw new IllegalArgumentException("There must be one boundary size per layer (" + layerSeconds.length
          + "), not " + boundaryBytes.length + ".");
    }
    for (int i = 0; i < layerSeconds.length; i++) {
      if (!(layerSeconds[i] >= 0) || !Double.isFinite(layerSeconds[i])) {
        throw new IllegalArgumentException("The time of layer " + i + " (" + layerSeconds[i]
            + " s) must be a finite number of at least 0.");
      }
      if (boundaryBytes[i] < 0) {
        throw new IllegalArgumentException("The activation bytes at boundary " + i + " (" + boundaryBytes[i]
            + ") must be at least 0.");
      }
    }
    Checks.atLeast("batch", batch, 1);
    Checks.positive("link bandwidth (bytes/s)", linkBytesPerSecond);
    Checks.nonNegative("link latency (s)", linkLatencySeconds);
  }

  /** Identical layers: {@code layers} of {@code seconds} each, {@code activationBytes} per request at every boundary. */
  public static LayerCosts uniform(int layers, double seconds, long activationBytes, int batch,
      double linkBytesPerSecond, double linkLatencySeconds) {
    Checks.atLeast("layers", layers, 1);
    double[] t = new double[layers];
    long[] a = new long[layers];
    Arrays.fill(t, seconds);
    Arrays.fill(a, activationBytes);
    return new LayerCosts(t, a, batch, linkBytesPerSecond, linkLatencySeconds);
  }

  @Override
  public double[] layerSeconds() {
    return layerSeconds.clone();
  }

  @Override
  public long[] boundaryBytes() {
    return boundaryBytes.clone();
  }

  /** Layers. */
  public int layers() {
    return layerSeconds.length;
  }

  /** The time of layers {@code [from, to)} for one batch. */
  public double stageSeconds(int from, int to) {
    double s = 0;
    for (int i = from; i < to; i++) {
      s += layerSeconds[i];
    }
    return s;
  }

  /** The time to send one batch's activations across boundary {@code i} ({@code 0 < i < L}). */
  public double transferSeconds(int boundary) {
    return (double) boundaryBytes[boundary] * batch / linkBytesPerSecond + linkLatencySeconds;
  }

  /** One instance alone: a batch through every layer. */
  public double wholeSeconds() {
    return stageSeconds(0, layers());
  }
}
