package dev.scaleplan.profiler.io;

import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads Vidur's per-layer operator profile, {@code data/profiling/compute/GPU/ORG/MODEL/mlp.csv} of
 * github.com/microsoft/vidur (MIT; Agrawal et al., "Vidur", MLSys 2024), as published.
 *
 * <p>Each row is one (tokens in the iteration, tensor-parallel degree) point with {@code time_stats.OP.{mean,max,...}}
 * in milliseconds per transformer layer for the operators in {@link #OPERATORS}. Mapping (kept here and only here):
 * the profile's batch is {@code num_tokens} (an LLM iteration batches tokens), its parallel degree
 * {@code num_tensor_parallel_workers}, its phase {@link Phase#BATCH} (one iteration; prefill and decode tokens cost
 * the same per token in these operators); the mean latency is the sum of the operators' means, and the p99 the sum of
 * their maxima (the data has no percentiles, and the maximum bounds them). Some points are listed twice, as two
 * profiling runs (the 2,048- and 4,096-token rows of the published files): their means are averaged and the larger
 * maximum kept. Attention kernels are not in this file (the
 * snapshot lacks attention.csv), so this is the MLP side of one layer: multiply by the layer count for a pass.
 */
public final class VidurMlpReader {
  /**
   * The per-layer operators summed, in the order of the file. The file's {@code emb} (the token embedding) runs once
   * per forward pass, not per layer, so it is not among them.
   */
  public static final List<String> OPERATORS = List.of("input_layernorm", "attn_pre_proj", "attn_rope",
      "attn_post_proj", "post_attention_layernorm", "mlp_up_proj", "mlp_act", "mlp_down_proj", "add");
  static final String TOKENS = "num_tokens";
  static final String WORKERS = "num_tensor_parallel_workers";

  private VidurMlpReader() {}

  /**
   * Reads an {@code mlp.csv} laid out as in Vidur's repository, {@code .../compute/GPU/ORG/MODEL/mlp.csv}: the GPU and
   * model names come from the path.
   */
  public static LatencyProfile read(Path file) {
    Path model = file.toAbsolutePath().getParent();
    Path gpu = model == null || model.getParent() == null ? null : model.getParent().getParent();
    if (gpu == null || gpu.getFileName() == null) {
      throw new IllegalArgumentException("Cannot tell the GPU and model of " + file
          + " from its path; expected .../GPU/ORG/MODEL/mlp.csv, or call read(reader, name, gpu, model).");
    }
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString(), gpu.getFileName().toString(), model.getFileName().toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads an {@code mlp.csv} measured on {@code gpuType} for {@code model}. */
  public static LatencyProfile read(Reader reader, String name, String gpuType, String model) {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    int[] mean = new int[OPERATORS.size()];
    int[] max = new int[OPERATORS.size()];
    int tokens = -1;
    int workers = -1;
    boolean header = false;
    List<String> columns = List.of();
    LatencyProfile.Builder profile = LatencyProfile.builder(model).source(
        "Vidur mlp.csv (github.com/microsoft/vidur, MIT; Agrawal et al., MLSys 2024), " + gpuType
            + ": one layer's MLP-side operators, ms summed; batch = tokens per iteration");
    Map<ProfileKey, Map<Integer, List<double[]>>> runs = new TreeMap<>();
    int rows = 0;
    int lineNo = 0;
    try {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (!header) {
          columns = List.of(cells).stream().map(String::strip).toList();
          for (int i = 0; i < OPERATORS.size(); i++) {
            mean[i] = column(name, lineNo, columns, "time_stats." + OPERATORS.get(i) + ".mean");
            max[i] = column(name, lineNo, columns, "time_stats." + OPERATORS.get(i) + ".max");
          }
          tokens = column(name, lineNo, columns, TOKENS);
          workers = column(name, lineNo, columns, WORKERS);
          header = true;
          continue;
        }
        if (cells.length != columns.size()) {
          throw new ProfileFormatException(name, lineNo, Math.min(cells.length, columns.size()) + 1, "expected "
              + columns.size() + " cells as in the header, found " + cells.length + ".");
        }
        int batch = whole(name, lineNo, tokens, cells, TOKENS);
        int degree = whole(name, lineNo, workers, cells, WORKERS);
        double meanMs = 0;
        double maxMs = 0;
        for (int i = 0; i < OPERATORS.size(); i++) {
          meanMs += millis(name, lineNo, mean[i], cells, columns);
          maxMs += millis(name, lineNo, max[i], cells, columns);
        }
        if (batch < 1 || degree < 1) {
          throw new ProfileFormatException(name, lineNo, (batch < 1 ? tokens : workers) + 1,
              "the " + (batch < 1 ? TOKENS : WORKERS) + " must be at least 1.");
        }
        runs.computeIfAbsent(new ProfileKey(gpuType, degree, Phase.BATCH), k -> new TreeMap<>())
            .computeIfAbsent(batch, b -> new ArrayList<>()).add(new double[] {meanMs, Math.max(meanMs, maxMs)});
        rows++;
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    if (rows == 0) {
      throw new ProfileFormatException(name, lineNo, 0, header ? "a header but no rows." : "the file is empty.");
    }
    runs.forEach((key, byTokens) -> byTokens.forEach((batch, list) -> {
      double meanMs = list.stream().mapToDouble(r -> r[0]).average().orElseThrow();
      double maxMs = list.stream().mapToDouble(r -> r[1]).max().orElseThrow();
      profile.add(key, new LatencyPoint(batch, meanMs / 1000, maxMs / 1000));
    }));
    return profile.build();
  }

  private static int column(String name, int line, List<String> columns, String wanted) {
    int i = columns.indexOf(wanted);
    if (i < 0) {
      throw new ProfileFormatException(name, line, 0, "the header lacks the column '" + wanted
          + "'; is this a Vidur mlp.csv?");
    }
    return i;
  }

  private static int whole(String name, int line, int column, String[] cells, String what) {
    String v = cells[column].strip();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, column + 1, "'" + v + "' is not a whole number (" + what + ").");
    }
  }

  private static double millis(String name, int line, int column, String[] cells, List<String> columns) {
    String v = cells[column].strip();
    double x;
    try {
      x = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, column + 1, "'" + v + "' is not a number (" + columns.get(column)
          + ", ms).");
    }
    if (!(x >= 0) || Double.isInfinite(x)) {
      throw new ProfileFormatException(name, line, column + 1, "the " + columns.get(column) + " (" + v
          + " ms) must be a finite time at least 0.");
    }
    return x;
  }
}
