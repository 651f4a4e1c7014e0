package dev.scaleplan.cli;

import dev.scaleplan.adapters.jcuda.CudaProbe;
import dev.scaleplan.adapters.jcuda.DeviceProfiler;
import dev.scaleplan.adapters.jcuda.JCudaExecutor;
import dev.scaleplan.adapters.jcuda.MeasurementFiles;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scaleplan profile measure}: a profile and bandwidths measured on a real GPU through JCuda. */
@Command(
    name = "measure",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Measures a latency profile on a real NVIDIA GPU through the CUDA driver API: a model of dense fp32 layers "
          + "(a tiled matrix-multiply kernel shipped as PTX) run at each batch size, each layer's share of a batch, "
          + "and the bandwidths the loading planner uses (pinned host memory to the GPU, within the GPU, to a peer "
          + "GPU when present). Writes the profile in the profiler's JSON format, with the GPU's name and the "
          + "driver version, and the bandwidths beside it.",
      "",
      "Exit status: 0 when measured, 1 when there is no CUDA device (the reason is printed), 2 on bad input."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan profile measure --gpu 0",
      "  scaleplan profile measure --gpu 0 --layers 32 --hidden 4096 --batches 1,2,4,8,16,32 --out a100.json"
    })
final class ProfileMeasureCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--gpu", paramLabel = "N", defaultValue = "0", description = "GPU ordinal. Default: ${DEFAULT-VALUE}.")
  int gpu;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "16",
      description = "Layers of the stand-in model. Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--hidden", paramLabel = "H", defaultValue = "4096",
      description = "Hidden size: each layer is H x H fp32 weights (64 MiB at 4096). Default: ${DEFAULT-VALUE}.")
  int hidden;

  @Option(names = "--batches", paramLabel = "LIST", split = ",", defaultValue = "1,2,4,8,16,32,64,128",
      description = "Batch sizes to measure. Default: ${DEFAULT-VALUE}.")
  List<Integer> batches;

  @Option(names = "--repetitions", paramLabel = "N", defaultValue = "20",
      description = "Measured runs per point (after 5 warm-up runs). Default: ${DEFAULT-VALUE}.")
  int repetitions;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "measured-profile.json",
      description = "The profile file; the bandwidths go to FILE's name with .bandwidths.json. "
          + "Default: ${DEFAULT-VALUE}.")
  Path out;

  @Override
  public Integer call() {
    if (layers < 1 || layers > 1024 || hidden < 16 || hidden > 65_536 || repetitions < 1 || repetitions > 10_000) {
      throw new IllegalArgumentException("Need --layers in 1..1024, --hidden in 16..65,536 and --repetitions in "
          + "1..10,000.");
    }
    int[] sizes = batches.stream().mapToInt(Integer::intValue).toArray();
    for (int b : sizes) {
      if (b < 1 || b > 65_536) {
        throw new IllegalArgumentException("Each batch size (" + b + ") must be between 1 and 65,536.");
      }
    }
    PrintWriter err = spec.commandLine().getErr();
    if (!CudaProbe.available()) {
      err.println("scaleplan profile measure: no CUDA device: " + CudaProbe.unavailableReason().orElse("unknown"));
      return 1;
    }
    int max = Arrays.stream(sizes).max().orElseThrow();
    DeviceProfiler.Measurement m;
    try (JCudaExecutor x = JCudaExecutor.open(gpu, layers, hidden, max)) {
      m = DeviceProfiler.measure(x, "dense-" + layers + "x" + hidden, sizes, 5, repetitions);
    }
    MeasurementFiles.write(m, out);
    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "%s (CUDA driver %d): host to device %s GB/s, device to device %s GB/s%s%n", m.gpuType(),
        m.driverVersion(), Text.number(m.hostToDeviceBytesPerSecond() / 1e9),
        Text.number(m.deviceToDeviceBytesPerSecond() / 1e9), m.peerBytesPerSecond().isPresent()
            ? ", peer " + Text.number(m.peerBytesPerSecond().getAsDouble() / 1e9) + " GB/s" : "");
    o.println("Wrote " + out + " and " + MeasurementFiles.bandwidthPath(out));
    return 0;
  }
}
