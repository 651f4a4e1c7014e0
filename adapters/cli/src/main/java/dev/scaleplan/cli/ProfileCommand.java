package dev.scaleplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyPoint;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.ProfileKey;
import dev.scaleplan.profiler.fit.BatchFits;
import dev.scaleplan.profiler.fit.FitQuality;
import dev.scaleplan.profiler.fit.ParallelFit;
import dev.scaleplan.profiler.io.ProfileCsv;
import dev.scaleplan.profiler.io.SplitwiseReader;
import dev.scaleplan.profiler.io.VidurMlpReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code scaleplan profile}: show and fit latency profiles. */
@Command(
    name = "profile",
    mixinStandardHelpOptions = true,
    description = "Latency profiles: show one as a table, or fit latency against batch size and parallel degree.",
    subcommands = {ProfileCommand.Show.class, ProfileCommand.Fit.class, ProfileMeasureCommand.class})
final class ProfileCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** The formats {@code profile} reads. */
  enum Format { csv, json, splitwise, vidur }

  /** Where a profile comes from: a file in a format, or an embedded example. */
  static final class Source {
    @Parameters(arity = "0..1", paramLabel = "FILE",
        description = "A profile file: scaleplan CSV or JSON, Splitwise perf_model.csv or Vidur mlp.csv.")
    Path file;

    @Option(names = "--example", paramLabel = "NAME",
        description = "An embedded example profile: resnet50 (Triton), resnet50-pytorch, resnet50-clockwork.")
    String example;

    @Option(names = "--format", paramLabel = "FORMAT",
        description = "csv or json (scaleplan's own), splitwise or vidur. Default: recognised from the file's "
            + "header.")
    Format format;

    @Option(names = "--model", paramLabel = "NAME", description = "Only this model (files with several models).")
    String model;

    List<LatencyProfile> load() {
      if (file != null && example != null) {
        throw new IllegalArgumentException("Give a FILE or --example, not both.");
      }
      List<LatencyProfile> profiles;
      if (file == null) {
        profiles = List.of(ExampleProfiles.get(example == null ? ExampleProfiles.RESNET50 : example));
      } else {
        if (!Files.isRegularFile(file)) {
          throw new IllegalArgumentException("The profile file " + file + " does not exist or is not a file.");
        }
        Format f = format == null ? sniff(file) : format;
        profiles = switch (f) {
          case csv -> List.of(ProfileCsv.read(file));
          case json -> List.of(dev.scaleplan.profiler.io.ProfileJson.read(file));
          case splitwise -> SplitwiseReader.read(file);
          case vidur -> List.of(VidurMlpReader.read(file));
        };
      }
      if (model != null) {
        profiles = profiles.stream().filter(p -> p.model().equalsIgnoreCase(model)).toList();
        if (profiles.isEmpty()) {
          throw new IllegalArgumentException("No profile of the model '" + model + "' in " + (file == null
              ? "the example" : file) + ".");
        }
      }
      return profiles;
    }

    private static Format sniff(Path file) {
      try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
        String first = lines.map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).findFirst()
            .orElse("");
        if (first.startsWith("{")) {
          return Format.json;
        }
        if (first.startsWith("gpu,")) {
          return Format.csv;
        }
        if (first.contains("prompt_time") && first.contains("token_time")) {
          return Format.splitwise;
        }
        if (first.startsWith("time_stats.")) {
          return Format.vidur;
        }
        throw new IllegalArgumentException("Cannot tell the format of " + file
            + " from its header; give --format csv, json, splitwise or vidur.");
      } catch (IOException | UncheckedIOException e) {
        throw new IllegalArgumentException("Cannot read " + file + ": " + e.getMessage());
      }
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
      description = "Print a profile as a table (default: the embedded ResNet-50 example).")
  static final class Show implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<LatencyProfile> profiles = source.load();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        List<Object> all = new ArrayList<>();
        for (LatencyProfile p : profiles) {
          all.add(toJson(p));
        }
        out.println(mapper().writeValueAsString(all.size() == 1 ? all.get(0) : all));
        return 0;
      }
      for (LatencyProfile p : profiles) {
        out.println("profile " + p.model() + (p.source().isEmpty() ? "" : "\nsource: "
            + p.source().replace("\n", "\n        ")));
        for (Map.Entry<ProfileKey, LatencyCurve> e : p.curves().entrySet()) {
          out.println();
          out.println(e.getKey());
          Text.Table t = new Text.Table("batch", "mean", "p99");
          for (LatencyPoint x : e.getValue().points()) {
            t.row(Integer.toString(x.batchSize()), Text.seconds(x.meanSeconds()), Text.seconds(x.p99Seconds()));
          }
          t.print(out);
        }
        out.println();
      }
      return 0;
    }

    private static Map<String, Object> toJson(LatencyProfile p) {
      Map<String, Object> o = new LinkedHashMap<>();
      o.put("model", p.model());
      o.put("source", p.source());
      List<Object> curves = new ArrayList<>();
      p.curves().forEach((k, c) -> {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("gpu", k.gpuType());
        m.put("parallelDegree", k.parallelDegree());
        m.put("phase", k.phase().label());
        List<Object> pts = new ArrayList<>();
        for (LatencyPoint x : c.points()) {
          pts.add(Map.of("batch", x.batchSize(), "meanSeconds", x.meanSeconds(), "p99Seconds", x.p99Seconds()));
        }
        m.put("points", pts);
        curves.add(m);
      });
      o.put("curves", curves);
      return o;
    }
  }

  @Command(name = "fit", mixinStandardHelpOptions = true,
      description = {"Fit latency against batch size (non-negative affine; monotone isotonic) for every curve, and "
          + "against parallel degree (serial + parallel/p + communication*log2 p) where several degrees are measured; "
          + "print each fit's R-squared and largest relative error.",
          "With --out, write the monotone-fitted profile in scaleplan's CSV format."})
  static final class Fit implements Callable<Integer> {
    @Spec CommandSpec spec;
    @Mixin Source source;

    @Option(names = "--out", paramLabel = "FILE", description = "Write the monotone-fitted profile here (CSV).")
    Path outFile;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      List<LatencyProfile> profiles = source.load();
      if (outFile != null && profiles.size() != 1) {
        throw new IllegalArgumentException("The input holds " + profiles.size() + " models; choose one with --model "
            + "to write it with --out.");
      }
      PrintWriter out = spec.commandLine().getOut();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (LatencyProfile p : profiles) {
        for (Map.Entry<ProfileKey, LatencyCurve> e : p.curves().entrySet()) {
          BatchFits.Affine a = BatchFits.affine(e.getValue());
          rows.add(row(p, e.getKey().toString(), "affine", String.format(Locale.ROOT, "%s + %s * b",
              Text.seconds(a.fixedSeconds()), Text.seconds(a.perItemSeconds())), a.quality()));
          BatchFits.Monotone m = BatchFits.monotone(e.getValue());
          rows.add(row(p, e.getKey().toString(), "monotone", m.batchSizes().length + " points", m.quality()));
        }
        Map<String, List<ProfileKey>> groups = new TreeMap<>();
        for (ProfileKey k : p.curves().keySet()) {
          groups.computeIfAbsent(k.gpuType() + " " + k.phase().label(), g -> new ArrayList<>()).add(k);
        }
        for (List<ProfileKey> keys : groups.values()) {
          if (keys.size() < 2) {
            continue;
          }
          int batch = keys.stream().mapToInt(k -> p.curves().get(k).minBatch()).max().orElse(1);
          ProfileKey k0 = keys.get(0);
          ParallelFit f = ParallelFit.of(p, k0.gpuType(), k0.phase(), batch);
          rows.add(row(p, k0.gpuType() + " " + k0.phase().label() + ", batch " + batch, "parallel",
              String.format(Locale.ROOT, "%s + %s / p + %s * log2 p", Text.seconds(f.serialSeconds()),
                  Text.seconds(f.parallelSeconds()), Text.seconds(f.communicationSeconds())), f.quality()));
        }
      }
      if (json) {
        out.println(mapper().writeValueAsString(rows));
      } else {
        Text.Table t = new Text.Table("model", "curve", "fit", "coefficients", "R^2", "max rel. error");
        for (Map<String, Object> r : rows) {
          t.row((String) r.get("model"), (String) r.get("curve"), (String) r.get("fit"),
              (String) r.get("coefficients"), String.format(Locale.ROOT, "%.4f", (Double) r.get("rSquared")),
              String.format(Locale.ROOT, "%.1f%%", 100 * (Double) r.get("maxRelativeError")));
        }
        t.print(out);
      }
      if (outFile != null) {
        try {
          ProfileCsv.write(BatchFits.monotone(profiles.get(0)), outFile);
        } catch (UncheckedIOException e) {
          throw new IllegalArgumentException(e.getMessage());
        }
        if (!json) {
          out.println("wrote the monotone-fitted profile to " + outFile);
        }
      }
      return 0;
    }

    private static Map<String, Object> row(LatencyProfile p, String curve, String fit, String coefficients,
        FitQuality q) {
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("model", p.model());
      r.put("curve", curve);
      r.put("fit", fit);
      r.put("coefficients", coefficients);
      r.put("rSquared", q.rSquared());
      r.put("maxRelativeError", q.maxRelativeResidual());
      r.put("points", q.points());
      return r;
    }
  }

  static ObjectMapper mapper() {
    return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  }
}
