package dev.scaleplan.solvers.swapping;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.api.Slo;
import dev.scaleplan.solvers.offload.PipelinedSwapIn;
import java.util.Arrays;
import java.util.Objects;

/**
 * One model served on a swapping node: its latency, its parameters by layer, its Poisson arrival rate and its SLO.
 *
 * <p>Requests are served one at a time (batch 1), as FaaSwap serves each function invocation (arXiv 2306.03622,
 * section 4); {@code latency.seconds(1)} is the execution time of one request on an otherwise idle GPU.
 *
 * @param name the model's name, not blank, unique within a plan
 * @param latency the batch latency l(b) in seconds on this node's GPU
 * @param layerBytes the parameter bytes of each layer, in execution order, each at least 0, at least one layer
 * @param ratePerSecond the Poisson arrival rate in requests per second, finite and at least 0
 * @param slo the latency objective of a request (arrival to result)
 */
public record SwapModel(String name, BatchLatency latency, long[] layerBytes, double ratePerSecond, Slo slo) {
  public SwapModel {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("The model name (" + name + ") must not be blank.");
    }
    Objects.requireNonNull(latency, "latency of model '" + name + "'");
    Objects.requireNonNull(slo, "slo of model '" + name + "'");
    if (layerBytes == null || layerBytes.length == 0) {
      throw new IllegalArgumentException("The model '" + name + "' needs at least one layer.");
    }
    layerBytes = layerBytes.clone();
    long total = 0;
    for (int i = 0; i < layerBytes.length; i++) {
      if (layerBytes[i] < 0) {
        throw new IllegalArgumentException("The bytes of layer " + i + " of model '" + name + "' ("
            + layerBytes[i] + ") must be at least 0.");
      }
      total = Math.addExact(total, layerBytes[i]);
    }
    if (total < 1) {
      throw new IllegalArgumentException("The parameter bytes of model '" + name + "' (" + total
          + ") must be at least 1.");
    }
    Checks.nonNegative("arrival rate (requests/s) of model '" + name + "'", ratePerSecond);
  }

  /**
   * A model of {@code layers} equal layers holding {@code parameterBytes} in all (the remainder of the division goes
   * one byte each to the first layers).
   */
  public static SwapModel of(String name, BatchLatency latency, long parameterBytes, int layers, double ratePerSecond,
      Slo slo) {
    if (parameterBytes < 1) {
      throw new IllegalArgumentException("The parameter bytes of model '" + name + "' (" + parameterBytes
          + ") must be at least 1.");
    }
    Checks.atLeast("number of layers of model '" + name + "'", layers, 1);
    long[] bytes = new long[layers];
    for (int i = 0; i < layers; i++) {
      bytes[i] = parameterBytes / layers + (i < parameterBytes % layers ? 1 : 0);
    }
    return new SwapModel(name, latency, bytes, ratePerSecond, slo);
  }

  /** A model whose layers hold the given bytes. */
  public static SwapModel withLayerBytes(String name, BatchLatency latency, long[] layerBytes, double ratePerSecond,
      Slo slo) {
    return new SwapModel(name, latency, layerBytes, ratePerSecond, slo);
  }

  @Override
  public long[] layerBytes() {
    return layerBytes.clone();
  }

  /** The number of layers. */
  public int layers() {
    return layerBytes.length;
  }

  /** The parameter bytes, summed over the layers. */
  public long parameterBytes() {
    long total = 0;
    for (long b : layerBytes) {
      total += b;
    }
    return total;
  }

  /** The execution time of one request on an idle GPU, {@code l(1)}, in seconds. */
  public double executionSeconds() {
    return latency.seconds(1);
  }

  /**
   * The swap-in of one request from host memory on {@code node}, pipelined (FaaSwap, section 4.2: layer i runs while
   * layer i+1 transfers), by {@link PipelinedSwapIn}: layer i transfers in {@code layerBytes[i] / B} seconds and
   * computes in {@code computeFactor * l(1) / L} seconds (compute split evenly over the L layers, as no per-layer
   * profile is given).
   *
   * @param computeFactor the slowdown of execution, at least 1 (the node's interference factor on a shared GPU)
   */
  public PipelinedSwapIn.Result swapIn(SwapNode node, double computeFactor) {
    Objects.requireNonNull(node, "node");
    if (!(computeFactor >= 1) || Double.isInfinite(computeFactor)) {
      throw new IllegalArgumentException("The compute factor (" + computeFactor + ") must be a finite number at "
          + "least 1.");
    }
    int layers = layerBytes.length;
    double[] transfer = new double[layers];
    double[] compute = new double[layers];
    double perLayer = computeFactor * executionSeconds() / layers;
    for (int i = 0; i < layers; i++) {
      transfer[i] = layerBytes[i] / node.hostToGpuBytesPerSecond();
      compute[i] = perLayer;
      if (Double.isInfinite(transfer[i])) {
        throw new IllegalArgumentException("The host-to-GPU bandwidth (" + node.hostToGpuBytesPerSecond()
            + " B/s) is too small: layer " + i + " of model '" + name + "' (" + layerBytes[i] + " B) would take "
            + "longer to load than a double can hold; expected a bandwidth in bytes per second, such as 12.2e9.");
      }
    }
    if (Double.isInfinite(perLayer)) {
      throw new IllegalArgumentException("The compute factor (" + computeFactor + ") times l(1) of model '" + name
          + "' (" + executionSeconds() + " s) must be finite.");
    }
    return PipelinedSwapIn.of(transfer, compute, 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SwapModel m && name.equals(m.name) && latency.equals(m.latency)
        && Arrays.equals(layerBytes, m.layerBytes) && Double.compare(ratePerSecond, m.ratePerSecond) == 0
        && slo.equals(m.slo);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, latency, Arrays.hashCode(layerBytes), ratePerSecond, slo);
  }

  @Override
  public String toString() {
    return "SwapModel{" + name + ", " + parameterBytes() + " B in " + layerBytes.length + " layers, l(1) = "
        + executionSeconds() + " s, " + ratePerSecond + " req/s, " + slo + "}";
  }
}
