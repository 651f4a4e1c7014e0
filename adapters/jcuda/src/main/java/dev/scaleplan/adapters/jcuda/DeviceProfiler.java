package dev.scaleplan.adapters.jcuda;

import dev.scaleplan.api.Checks;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.ModelFacts;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfilingHarness;
import java.util.Arrays;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalLong;

/**
 * Measures what the planners need from a GPU through a {@link LayerExecutor}: the latency of a batch against its size
 * (by {@link ProfilingHarness}: warm-up runs, then mean and p99 of the measured ones), each layer's share of it, and
 * the bandwidths of the loading planner (pinned host to device, device to device, peer to peer when present), each the
 * median of repeated copies of one layer's bytes. The profile carries the GPU's name and the driver version in its
 * source.
 */
public final class DeviceProfiler {
  private DeviceProfiler() {}

  /**
   * A measurement.
   *
   * @param profile the latency profile (phase BATCH, parallel degree 1) with the layers' bytes and latency shares
   * @param gpuType the GPU's name as the driver gives it
   * @param driverVersion the CUDA driver version (for example 12040)
   * @param hostToDeviceBytesPerSecond pinned host memory to the GPU
   * @param deviceToDeviceBytesPerSecond within the GPU's memory
   * @param peerBytesPerSecond to a second GPU with peer access, when there is one
   * @param layerArrivalSeconds when each layer had arrived in one load of the whole model from pinned memory
   */
  public record Measurement(LatencyProfile profile, String gpuType, int driverVersion,
      double hostToDeviceBytesPerSecond, double deviceToDeviceBytesPerSecond, OptionalDouble peerBytesPerSecond,
      double[] layerArrivalSeconds) {
    public Measurement {
      layerArrivalSeconds = layerArrivalSeconds.clone();
    }

    @Override
    public double[] layerArrivalSeconds() {
      return layerArrivalSeconds.clone();
    }

    /** The measured load of the whole model: the last layer's arrival. */
    public double loadSeconds() {
      return layerArrivalSeconds.length == 0 ? 0 : layerArrivalSeconds[layerArrivalSeconds.length - 1];
    }
  }

  /** Measures {@code executor} at the given batch sizes with {@code warmup} and {@code repetitions} runs each. */
  public static Measurement measure(LayerExecutor executor, String model, int[] batchSizes, int warmup,
      int repetitions) {
    Objects.requireNonNull(executor, "executor");
    Checks.atLeast("repetitions", repetitions, 1);
    Checks.atLeast("warm-up runs", warmup, 0);
    String driver = driverText(executor.driverVersion());
    LatencyProfile measured = ProfilingHarness.measure(executor,
        new ProfilingHarness.Plan(model, Phase.BATCH, batchSizes, new int[] {1}, warmup, repetitions));
    int layers = executor.layers();
    double[] shares = new double[layers];
    int probe = Arrays.stream(batchSizes).max().orElseThrow();
    double total = 0;
    for (int l = 0; l < layers; l++) {
      double[] runs = new double[repetitions];
      for (int r = 0; r < warmup + repetitions; r++) {
        double s = executor.runLayers(probe, l, l + 1);
        if (r >= warmup) {
          runs[r - warmup] = s;
        }
      }
      shares[l] = median(runs);
      total += shares[l];
    }
    for (int l = 0; l < layers; l++) {
      shares[l] /= total;
    }
    long[] bytes = new long[layers];
    Arrays.fill(bytes, executor.layerBytes());
    long parameters = Math.multiplyExact(executor.layerBytes(), (long) layers);
    LatencyProfile.Builder profile = LatencyProfile.builder(model)
        .source("measured by scaleplan's JCuda executor on " + executor.gpuType() + " (CUDA driver " + driver + "): "
            + warmup + " warm-up and " + repetitions + " measured runs per point")
        .facts(new ModelFacts(OptionalLong.of(parameters), bytes, shares, OptionalLong.empty(), OptionalLong.empty()));
    measured.curves().forEach((key, curve) -> curve.points().forEach(p -> profile.add(key, p)));
    long b = executor.layerBytes();
    double h2d = b / medianOf(repetitions, warmup, () -> executor.hostToDeviceSeconds(b));
    double d2d = b / medianOf(repetitions, warmup, () -> executor.deviceToDeviceSeconds(b));
    OptionalDouble peer = executor.peerSeconds(b).isPresent()
        ? OptionalDouble.of(b / medianOf(repetitions, warmup, () -> executor.peerSeconds(b).orElseThrow()))
        : OptionalDouble.empty();
    executor.loadLayers();  // warm the path once
    double[] arrivals = executor.loadLayers();
    return new Measurement(profile.build(), executor.gpuType(), executor.driverVersion(), h2d, d2d, peer, arrivals);
  }

  /** 12040 as "12.4". */
  static String driverText(int version) {
    return (version / 1000) + "." + (version % 1000) / 10;
  }

  private static double medianOf(int repetitions, int warmup, java.util.function.DoubleSupplier run) {
    double[] x = new double[repetitions];
    for (int r = 0; r < warmup + repetitions; r++) {
      double s = run.getAsDouble();
      if (!(s > 0) || Double.isInfinite(s)) {
        throw new IllegalStateException("A copy took " + s + " s; device times must be finite and above 0.");
      }
      if (r >= warmup) {
        x[r - warmup] = s;
      }
    }
    return median(x);
  }

  static double median(double[] x) {
    double[] s = x.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
  }
}
