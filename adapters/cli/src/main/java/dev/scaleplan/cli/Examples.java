package dev.scaleplan.cli;

import dev.scaleplan.api.BatchLatency;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Embedded example data, so that every subcommand does something useful with no arguments. */
final class Examples {
  /** Resource with the published ResNet-50 / A100 / Triton latency table; the file header cites its source. */
  static final String RESNET50_A100 = "examples/resnet50-a100-triton.csv";
  static final String RESNET50_A100_TITLE =
      "ResNet-50 on one A100 (Triton TensorRT FP16; NVIDIA DeepLearningExamples, offline table)";

  private Examples() {}

  /** The mean batch latency l(b) of the ResNet-50 A100 example, in seconds. */
  static BatchLatency.Tabulated resnet50A100() {
    List<int[]> batches = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    try (InputStream in = Examples.class.getResourceAsStream(RESNET50_A100)) {
      if (in == null) {
        throw new IllegalStateException("The embedded example " + RESNET50_A100 + " is missing from the jar.");
      }
      BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int lineNo = 0;
      for (String line; (line = reader.readLine()) != null; ) {
        lineNo++;
        if (line.startsWith("#") || line.startsWith("batch") || line.isBlank()) {
          continue;
        }
        String[] f = line.split(",");
        if (f.length < 2) {
          throw new IllegalStateException(RESNET50_A100 + " line " + lineNo + ": expected batch,avg_ms,p99_ms");
        }
        batches.add(new int[] {Integer.parseInt(f[0].trim())});
        seconds.add(Double.parseDouble(f[1].trim()) / 1000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int[] b = batches.stream().mapToInt(x -> x[0]).toArray();
    double[] s = seconds.stream().mapToDouble(Double::doubleValue).toArray();
    return BatchLatency.tabulated(b, s);
  }
}
