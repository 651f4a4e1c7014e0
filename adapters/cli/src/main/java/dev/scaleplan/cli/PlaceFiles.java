package dev.scaleplan.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.solvers.placement.GpuGroup;
import dev.scaleplan.solvers.placement.ModelDemand;
import dev.scaleplan.solvers.scaling.Cluster;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The files of {@code scaleplan place}: a models file and a cluster file (GPU groups, or the hosts of a {@code plan}
 * cluster file grouped by GPU type), read strictly with the field helpers of {@link PlanFiles}.
 */
final class PlaceFiles {
  /** GPU memory of common GPU types, by their names in the embedded profiles; others need gpuMemory in the file. */
  static final Map<String, Long> KNOWN_MEMORY = Map.of("A100-80GB", 80L << 30, "A100-40GB", 40L << 30,
      "H100-80GB", 80L << 30, "A40", 48L << 30, "L4", 24L << 30, "T4", 16L << 30, "V100-32GB", 32L << 30,
      "V100-16GB", 16L << 30);

  private PlaceFiles() {}

  /** The models of a models file; profiles named by a path are read relative to the file. */
  static List<ModelDemand> readModels(Path file) {
    JsonNode root = PlanFiles.read(file);
    PlanFiles.known(file, root, "", List.of("models"));
    JsonNode list = root.get("models");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw PlanFiles.bad(file, "models", "a non-empty array of models", list);
    }
    Map<String, LatencyProfile> profiles = new HashMap<>();
    List<ModelDemand> models = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String at = "models[" + i + "]";
      if (!n.isObject()) {
        throw PlanFiles.bad(file, at, "an object", n);
      }
      PlanFiles.known(file, n, at + ".", List.of("name", "example", "profile", "rate", "sloPercentile",
          "sloSeconds", "memory"));
      String name = PlanFiles.text(file, at + ".name", n.get("name"));
      LatencyProfile profile;
      if (n.has("example") == n.has("profile")) {
        throw new IllegalArgumentException(file + ": " + at + " needs exactly one of example (an embedded profile: "
            + ExampleProfiles.names() + ") and profile (a profile file's path).");
      } else if (n.has("example")) {
        String example = PlanFiles.text(file, at + ".example", n.get("example"));
        profile = profiles.computeIfAbsent("example:" + example, k -> ExampleProfiles.get(example));
      } else {
        Path path = resolve(file, PlanFiles.text(file, at + ".profile", n.get("profile")));
        profile = profiles.computeIfAbsent("file:" + path, k -> {
          ProfileCommand.Source source = new ProfileCommand.Source();
          source.file = path;
          List<LatencyProfile> read = source.load();
          if (read.size() != 1) {
            throw new IllegalArgumentException(file + ": " + at + ".profile " + path + " holds " + read.size()
                + " models; give a file with one.");
          }
          return read.get(0);
        });
      }
      double rate = PlanFiles.nonNegative(file, at + ".rate", n.get("rate"));
      double percentile = n.has("sloPercentile") ? PlanFiles.positive(file, at + ".sloPercentile",
          n.get("sloPercentile")) : 99;
      if (!(percentile < 100)) {
        throw PlanFiles.bad(file, at + ".sloPercentile", "a percentile in (0, 100)", n.get("sloPercentile"));
      }
      double seconds = PlanFiles.positive(file, at + ".sloSeconds", n.get("sloSeconds"));
      long memory = bytes(file, at + ".memory", n.get("memory"));
      try {
        models.add(ModelDemand.fromProfile(name, profile, memory, rate, Slo.of(percentile, seconds)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + at + ": " + e.getMessage(), e);
      }
    }
    return models;
  }

  /**
   * The GPU groups of a cluster file: either {@code groups} (name, gpuType, gpus, memory) or the {@code hosts} of a
   * {@code plan} cluster file, one group per GPU type, with memory from {@code gpuMemory} or {@link #KNOWN_MEMORY}.
   */
  static List<GpuGroup> readGroups(Path file) {
    JsonNode root = PlanFiles.read(file);
    if (root.has("groups")) {
      PlanFiles.known(file, root, "", List.of("groups"));
      JsonNode list = root.get("groups");
      if (!list.isArray() || list.isEmpty()) {
        throw PlanFiles.bad(file, "groups", "a non-empty array of GPU groups", list);
      }
      List<GpuGroup> groups = new ArrayList<>();
      for (int i = 0; i < list.size(); i++) {
        JsonNode n = list.get(i);
        String at = "groups[" + i + "]";
        if (!n.isObject()) {
          throw PlanFiles.bad(file, at, "an object", n);
        }
        PlanFiles.known(file, n, at + ".", List.of("name", "gpuType", "gpus", "memory"));
        String type = PlanFiles.text(file, at + ".gpuType", n.get("gpuType"));
        String name = n.has("name") ? PlanFiles.text(file, at + ".name", n.get("name")) : type;
        int gpus = PlanFiles.whole(file, at + ".gpus", n.get("gpus"), 1);
        long memory = n.has("memory") ? bytes(file, at + ".memory", n.get("memory")) : known(file, type);
        groups.add(new GpuGroup(name, type, gpus, memory));
      }
      return groups;
    }
    PlanFiles.known(file, root, "", List.of("hosts", "pricePerGpu", "budget", "gpuMemory"));
    Cluster cluster = PlanFiles.hosts(file, root, true).orElseThrow();
    Map<String, Long> memory = new HashMap<>();
    JsonNode given = root.get("gpuMemory");
    if (given != null) {
      if (!given.isObject()) {
        throw PlanFiles.bad(file, "gpuMemory", "an object of GPU type to memory (\"80GiB\")", given);
      }
      Iterator<Map.Entry<String, JsonNode>> it = given.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        memory.put(e.getKey(), bytes(file, "gpuMemory." + e.getKey(), e.getValue()));
      }
    }
    Map<String, Integer> gpus = new LinkedHashMap<>();
    for (Cluster.Host h : cluster.hosts()) {
      gpus.merge(h.gpuType(), h.gpus(), Integer::sum);
    }
    List<GpuGroup> groups = new ArrayList<>();
    for (Map.Entry<String, Integer> e : gpus.entrySet()) {
      long m = memory.containsKey(e.getKey()) ? memory.get(e.getKey()) : known(file, e.getKey());
      groups.add(new GpuGroup(e.getKey().toLowerCase(Locale.ROOT), e.getKey(), e.getValue(), m));
    }
    return groups;
  }

  private static long known(Path file, String type) {
    Long m = KNOWN_MEMORY.get(type);
    if (m == null) {
      throw new IllegalArgumentException(file + ": the memory of a " + type + " GPU is not known; give it (memory in"
          + " the group, or gpuMemory: {\"" + type + "\": \"24GiB\"}).");
    }
    return m;
  }

  private static long bytes(Path file, String field, JsonNode n) {
    if (n != null && n.isIntegralNumber() && n.canConvertToLong() && n.asLong() >= 1) {
      return n.asLong();
    }
    if (n == null || !n.isTextual()) {
      throw PlanFiles.bad(file, field, "bytes: a whole number or a text such as \"512MiB\"", n);
    }
    return LoadCommand.bytes(n.asText(), file + ": " + field);
  }

  private static Path resolve(Path file, String path) {
    Path p = Path.of(path);
    if (p.isAbsolute()) {
      return p;
    }
    Path dir = file.toAbsolutePath().getParent();
    return dir == null ? p : dir.resolve(p);
  }
}
