package dev.scaleplan.profiler.io;

import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.ModelFacts;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * scaleplan's own profile CSV, version 1. Comment lines start with {@code #}; two of them carry metadata,
 * {@code # model: NAME} (required, once) and {@code # source: TEXT} (optional, repeatable: the lines join with
 * newlines). Then a header and one row per measured point:
 * <pre>
 * # model: resnet50-v1.5
 * # source: NVIDIA/DeepLearningExamples, ...
 * gpu,parallel_degree,phase,batch,mean_s,p99_s
 * A100-80GB,1,batch,1,0.002128,0.002272
 * </pre>
 * {@code phase} is {@code batch}, {@code prefill} or {@code decode}; latencies are in seconds. Optional comment lines
 * carry the model's {@link ModelFacts}: {@code # parameter_bytes: N}, {@code # layer_parameter_bytes: N N ...},
 * {@code # layer_latency_shares: X X ...}, {@code # activation_bytes_per_request: N}, {@code # gpu_memory_bytes: N}. Numbers are written
 * with {@link Double#toString(double)}, so write-then-read gives back an equal profile. Malformed input raises a
 * {@link ProfileFormatException} naming the file, line and column: a missing column, a non-numeric cell, a negative or
 * zero latency, a repeated (gpu, degree, phase, batch) row, a file without rows.
 */
public final class ProfileCsv {
  /** The header row, in order. */
  public static final List<String> COLUMNS = List.of("gpu", "parallel_degree", "phase", "batch", "mean_s", "p99_s");

  private ProfileCsv() {}

  /** Reads a profile file. */
  public static LatencyProfile read(Path file) {
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the profile " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Reads a profile.
   *
   * @param name what error messages call the input (a file name)
   */
  public static LatencyProfile read(Reader reader, String name) {
    BufferedReader in = reader instanceof BufferedReader b ? b : new BufferedReader(reader);
    String model = null;
    List<String> source = new ArrayList<>();
    FactsLines facts = new FactsLines();
    List<Row> rows = new ArrayList<>();
    boolean header = false;
    int lineNo = 0;
    try {
      for (String line; (line = in.readLine()) != null; ) {
        lineNo++;
        String t = line.strip();
        if (t.isEmpty()) {
          continue;
        }
        if (t.startsWith("#")) {
          String c = t.substring(1).strip();
          if (c.startsWith("model:")) {
            if (model != null) {
              throw new ProfileFormatException(name, lineNo, 0, "a second '# model:' line.");
            }
            model = c.substring("model:".length()).strip();
          } else if (c.startsWith("source:")) {
            source.add(c.substring("source:".length()).strip());
          } else {
            facts.accept(name, lineNo, c);
          }
          continue;
        }
        String[] cells = line.split(",", -1);
        if (!header) {
          checkHeader(name, lineNo, cells);
          header = true;
          continue;
        }
        rows.add(parseRow(name, lineNo, cells));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read the profile " + name + ": " + e.getMessage(), e);
    }
    if (model == null || model.isEmpty()) {
      throw new ProfileFormatException(name, 0, 0, "no '# model: NAME' line.");
    }
    if (rows.isEmpty()) {
      throw new ProfileFormatException(name, lineNo, 0, header ? "a header but no measured rows."
          : "no header (" + String.join(",", COLUMNS) + ") and no rows: is the file empty?");
    }
    LatencyProfile.Builder b = LatencyProfile.builder(model).source(String.join("\n", source))
        .facts(facts.build(name));
    Set<String> seen = new HashSet<>();
    for (Row r : rows) {
      String id = r.key.gpuType() + "|" + r.key.parallelDegree() + "|" + r.key.phase() + "|" + r.point.batchSize();
      if (!seen.add(id)) {
        throw new ProfileFormatException(name, r.line, 0, "a second row for " + r.key + ", batch "
            + r.point.batchSize() + ".");
      }
      b.add(r.key, r.point);
    }
    return b.build();
  }

  /** The profile in this format. */
  public static String write(LatencyProfile profile) {
    StringBuilder sb = new StringBuilder("# scaleplan latency profile, format 1 (latencies in seconds)\n");
    sb.append("# model: ").append(profile.model()).append('\n');
    if (!profile.source().isEmpty()) {
      for (String s : profile.source().split("\n", -1)) {
        sb.append("# source: ").append(s).append('\n');
      }
    }
    ModelFacts f = profile.facts();
    f.parameterBytes().ifPresent(v -> sb.append("# parameter_bytes: ").append(v).append('\n'));
    if (f.layerParameterBytes().length > 0) {
      sb.append("# layer_parameter_bytes:");
      for (long v : f.layerParameterBytes()) {
        sb.append(' ').append(v);
      }
      sb.append('\n');
    }
    if (f.layerLatencyShares().length > 0) {
      sb.append("# layer_latency_shares:");
      for (double v : f.layerLatencyShares()) {
        sb.append(' ').append(Double.toString(v));
      }
      sb.append('\n');
    }
    f.activationBytesPerRequest().ifPresent(v -> sb.append("# activation_bytes_per_request: ").append(v).append('\n'));
    f.gpuMemoryBytes().ifPresent(v -> sb.append("# gpu_memory_bytes: ").append(v).append('\n'));
    sb.append(String.join(",", COLUMNS)).append('\n');
    for (Map.Entry<ProfileKey, LatencyCurve> e : profile.curves().entrySet()) {
      ProfileKey k = e.getKey();
      for (LatencyPoint p : e.getValue().points()) {
        sb.append(k.gpuType()).append(',').append(k.parallelDegree()).append(',').append(k.phase().label())
            .append(',').append(p.batchSize()).append(',').append(Double.toString(p.meanSeconds())).append(',')
            .append(Double.toString(p.p99Seconds())).append('\n');
      }
    }
    return sb.toString();
  }

  /** Writes the profile to a file. */
  public static void write(LatencyProfile profile, Path file) {
    try {
      Files.writeString(file, write(profile), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the profile " + file + ": " + e.getMessage(), e);
    }
  }

  /** Reads a profile from text (for tests and embedded resources). */
  public static LatencyProfile parse(String text, String name) {
    return read(new StringReader(text), name);
  }

  private record Row(int line, ProfileKey key, LatencyPoint point) {}

  /** The facts comment lines, parsed as they come. */
  private static final class FactsLines {
    OptionalLong parameterBytes = OptionalLong.empty();
    long[] layerBytes = new long[0];
    double[] shares = new double[0];
    OptionalLong activation = OptionalLong.empty();
    OptionalLong memory = OptionalLong.empty();
    int lastLine;

    void accept(String name, int line, String comment) {
      int colon = comment.indexOf(':');
      if (colon < 0) {
        return; // a plain comment
      }
      String key = comment.substring(0, colon).strip();
      String value = comment.substring(colon + 1).strip();
      switch (key) {
        case "parameter_bytes" -> parameterBytes = OptionalLong.of(number(name, line, key, value));
        case "activation_bytes_per_request" -> activation = OptionalLong.of(number(name, line, key, value));
        case "gpu_memory_bytes" -> memory = OptionalLong.of(number(name, line, key, value));
        case "layer_parameter_bytes" -> layerBytes = Arrays.stream(value.split("\\s+"))
            .mapToLong(v -> number(name, line, key, v)).toArray();
        case "layer_latency_shares" -> shares = Arrays.stream(value.split("\\s+")).mapToDouble(v -> {
          try {
            return Double.parseDouble(v);
          } catch (NumberFormatException e) {
            throw new ProfileFormatException(name, line, 0, "'" + v + "' is not a number (" + key + ").");
          }
        }).toArray();
        default -> {
          return; // another comment with a colon
        }
      }
      lastLine = line;
    }

    ModelFacts build(String name) {
      try {
        return new ModelFacts(parameterBytes, layerBytes, shares, activation, memory);
      } catch (IllegalArgumentException e) {
        throw new ProfileFormatException(name, lastLine, 0, e.getMessage());
      }
    }

    private static long number(String name, int line, String key, String v) {
      try {
        return Long.parseLong(v);
      } catch (NumberFormatException e) {
        throw new ProfileFormatException(name, line, 0, "'" + v + "' is not a whole number of bytes (" + key + ").");
      }
    }
  }

  private static void checkHeader(String name, int line, String[] cells) {
    for (int i = 0; i < COLUMNS.size(); i++) {
      if (i >= cells.length) {
        throw new ProfileFormatException(name, line, i + 1, "the header lacks the column '" + COLUMNS.get(i)
            + "'; expected " + String.join(",", COLUMNS) + ".");
      }
      if (!cells[i].strip().equalsIgnoreCase(COLUMNS.get(i))) {
        throw new ProfileFormatException(name, line, i + 1, "expected the column '" + COLUMNS.get(i) + "', found '"
            + cells[i].strip() + "'; the header must be " + String.join(",", COLUMNS) + ".");
      }
    }
    if (cells.length > COLUMNS.size()) {
      throw new ProfileFormatException(name, line, COLUMNS.size() + 1, "an extra column '"
          + cells[COLUMNS.size()].strip() + "'.");
    }
  }

  private static Row parseRow(String name, int line, String[] cells) {
    if (cells.length != COLUMNS.size()) {
      throw new ProfileFormatException(name, line, Math.min(cells.length, COLUMNS.size()) + 1,
          "expected " + COLUMNS.size() + " cells (" + String.join(",", COLUMNS) + "), found " + cells.length + ".");
    }
    String gpu = cells[0].strip();
    if (gpu.isEmpty()) {
      throw new ProfileFormatException(name, line, 1, "the gpu cell is empty.");
    }
    int degree = integer(name, line, 2, cells[1]);
    Phase phase;
    try {
      phase = Phase.of(cells[2]);
    } catch (IllegalArgumentException e) {
      throw new ProfileFormatException(name, line, 3, e.getMessage());
    }
    int batch = integer(name, line, 4, cells[3]);
    double mean = latency(name, line, 5, cells[4]);
    double p99 = latency(name, line, 6, cells[5]);
    if (degree < 1) {
      throw new ProfileFormatException(name, line, 2, "the parallel_degree (" + degree + ") must be at least 1.");
    }
    if (batch < 1) {
      throw new ProfileFormatException(name, line, 4, "the batch (" + batch + ") must be at least 1.");
    }
    return new Row(line, new ProfileKey(gpu, degree, phase), new LatencyPoint(batch, mean, p99));
  }

  private static int integer(String name, int line, int column, String cell) {
    try {
      return Integer.parseInt(cell.strip());
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, column, "'" + cell.strip() + "' is not a whole number ("
          + COLUMNS.get(column - 1) + ").");
    }
  }

  private static double latency(String name, int line, int column, String cell) {
    double v;
    try {
      v = Double.parseDouble(cell.strip());
    } catch (NumberFormatException e) {
      throw new ProfileFormatException(name, line, column, "'" + cell.strip() + "' is not a number ("
          + COLUMNS.get(column - 1) + ").");
    }
    if (!(v > 0) || Double.isInfinite(v)) {
      throw new ProfileFormatException(name, line, column, "the " + COLUMNS.get(column - 1) + " (" + cell.strip()
          + ") must be a finite latency above 0 seconds.");
    }
    return v;
  }
}
