package dev.scaleplan.profiler.io;

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
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Reads SplitwiseSim's measured LLM profiles, {@code data/perf_model.csv} of github.com/Mutinifni/splitwise-sim (MIT;
 * Patel et al., "Splitwise", ISCA 2024), as published: one row per run, with the columns named in {@link #COLUMNS}.
 *
 * <p>Mapping (kept here and only here): {@code model} is the profile's model; {@code hardware} the GPU type;
 * {@code tensor_parallel} the parallel degree; {@code batch_size} the batch; {@code prompt_time} (ms, the prefill of
 * the whole batch, time to first token) is the {@link Phase#PREFILL} latency and {@code token_time} (ms per decode
 * iteration) the {@link Phase#DECODE} latency. {@code e2e_time} is not used: it saturates for long outputs. Only the
 * batch-size sweep is read, the rows with the given prompt and output lengths (512 and 128 tokens by default); the
 * runs of a configuration are the samples of its point, giving the mean and the nearest-rank 99th percentile (the
 * largest run when there are fewer than 100). The base configuration appears once per sweep in the file, as the same
 * runs; identical rows are read once.
 */
public final class SplitwiseReader {
  /** The columns the file must have (others are ignored). */
  public static final List<String> COLUMNS = List.of("model", "hardware", "prompt_size", "batch_size", "token_size",
      "prompt_time", "token_time", "tensor_parallel");
  /** Prompt length of the batch-size sweep. */
  public static final int DEFAULT_PROMPT_TOKENS = 512;
  /** Output length of the batch-size sweep. */
  public static final int DEFAULT_OUTPUT_TOKENS = 128;

  private SplitwiseReader() {}

  /** The profiles (one per model) of the batch-size sweep at 512 prompt and 128 output tokens. */
  public static List<LatencyProfile> read(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString(), DEFAULT_PROMPT_TOKENS, DEFAULT_OUTPUT_TOKENS);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * The profiles (one per model) of the rows with the given prompt and output lengths.
   *
   * @param name what error messages call the input
   */
  public static List<LatencyProfile> read(Reader reader, String name, int promptTokens, int outputTokens) {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    Map<String, Map<ProfileKey, Map<Integer, List<Double>>>> samples = new TreeMap<>();
    Set<String> seenRows = new HashSet<>();
    int[] index = null;
    int lineNo = 0;
    try {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        String[] cells = line.split(",", -1);
        if (index == null) {
          index = header(name, lineNo, cells);
          continue;
        }
        if (!seenRows.add(line.strip())) {
          continue; // the base configuration, listed again in another sweep
        }
        if (cells.length <= Arrays.stream(index).max().orElse(0)) {
          throw new ProfileFormatException(name, lineNo, cells.length + 1, "the row has " + cells.length
              + " cells but the header names more columns.");
        }
        int prompt = whole(name, lineNo, index, 2, cells);
        int output = whole(name, lineNo, index, 4, cells);
        if (prompt != promptTokens || output != outputTokens) {
          continue;
        }
        String model = text(name, lineNo, index, 0, cells);
        String gpu = text(name, lineNo, index, 1, cells);
        int batch = whole(name, lineNo, index, 3, cells);
        int degree = whole(name, lineNo, index, 7, cells);
        double prefill = millis(name, lineNo, index, 5, cells);
        double decode = millis(name, lineNo, index, 6, cells);
        if (batch < 1 || degree < 1) {
          throw new ProfileFormatException(name, lineNo, index[batch < 1 ? 3 : 7] + 1,
              "the " + COLUMNS.get(batch < 1 ? 3 : 7) + " must be at least 1.");
        }
        Map<ProfileKey, Map<Integer, List<Double>>> byKey = samples.computeIfAbsent(model, m -> new TreeMap<>());
        byKey.computeIfAbsent(new ProfileKey(gpu, degree, Phase.PREFILL), k -> new TreeMap<>())
            .computeIfAbsent(batch, b -> new ArrayList<>()).add(prefill / 1000);
        byKey.computeIfAbsent(new ProfileKey(gpu, degree, Phase.DECODE), k -> new TreeMap<>())
            .computeIfAbsent(batch, b -> new ArrayList<>()).add(decode / 1000);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + name + ": " + e.getMessage(), e);
    }
    if (index == null) {
      throw new ProfileFormatException(name, 0, 0, "the file is empty; expected a header with "
          + String.join(",", COLUMNS) + ".");
    }
    if (samples.isEmpty()) {
      throw new ProfileFormatException(name, lineNo, 0, "no rows with prompt_size " + promptTokens
          + " and token_size " + outputTokens + ".");
    }
    List<LatencyProfile> out = new ArrayList<>();
    samples.forEach((model, byKey) -> {
      LatencyProfile.Builder b = LatencyProfile.builder(model).source(
          "SplitwiseSim perf_model.csv (github.com/Mutinifni/splitwise-sim, MIT; Patel et al., ISCA 2024): "
              + "batch sweep at " + promptTokens + " prompt and " + outputTokens + " output tokens; mean and "
              + "nearest-rank p99 of the runs");
      byKey.forEach((key, byBatch) -> byBatch.forEach((batch, s) -> b.add(key,
          new dev.scaleplan.profiler.LatencyPoint(batch, mean(s), nearestRank(s, 0.99)))));
      out.add(b.build());
    });
    return List.copyOf(out);
  }

  private static int[] header(String name, int line, String[] cells) {
    int[] index = new int[COLUMNS.size()];
    for (int c = 0; c < COLUMNS.size(); c++) {
      index[c] = -1;
      for (int i = 0; i < cells.length; i++) {
        if (cells[i].strip().equals(COLUMNS.get(c))) {
          index[c] = i;
        }
      }
      if (index[c] < 0) {
        throw new ProfileFormatException(name, line, 0, "the header lacks the column '" + COLUMNS.get(c)
            + "'; a Splitwise perf_model.csv has " + String.join(",", COLUMNS) + " (and others).");
      }
    }
    return index;
  }

  private static String text(String name, int line, int[] index, int column, String[] cells) {
    String v = cells[index[column]].strip();
    if (v.isEmpty()) {
      throw new ProfileFormatException(name, line, index[column] + 1, "the " + COLUMNS.get(column) + " is empty.");
    }
    return v;
  }

  private static int whole(String name, int line, int[] index, int column, String[] cells) {
    String v = cells[index[column]].strip();
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, index[column] + 1, "'" + v + "' is not a whole number ("
          + COLUMNS.get(column) + ").");
    }
  }

  private static double millis(String name, int line, int[] index, int column, String[] cells) {
    String v = cells[index[column]].strip();
    double x;
    try {
      x = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, index[column] + 1, "'" + v + "' is not a number ("
          + COLUMNS.get(column) + ", ms).");
    }
    if (!(x > 0) || Double.isInfinite(x)) {
      throw new ProfileFormatException(name, line, index[column] + 1, "the " + COLUMNS.get(column) + " (" + v
          + " ms) must be a finite latency above 0.");
    }
    return x;
  }

  private static double mean(List<Double> s) {
    double sum = 0;
    for (double x : s) {
      sum += x;
    }
    return sum / s.size();
  }

  /** The nearest-rank quantile: the smallest sample with at least a fraction q of the samples at or below it. */
  static double nearestRank(List<Double> s, double q) {
    double[] sorted = s.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
}
