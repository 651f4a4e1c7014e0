package dev.scaleplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scaleplan.solvers.scaling.Cluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The JSON files of {@code scaleplan plan}: a cluster (hosts, prices per GPU type, a budget) and a current deployment
 * (instances on hosts, and the times of scaling actions). Every error names the file and the field.
 *
 * <pre>
 * cluster: {"hosts": [{"name": "a0", "gpuType": "A100-80GB", "gpus": 8},
 *                     {"prefix": "t", "count": 4, "gpuType": "T4", "gpus": 4}],
 *           "pricePerGpu": {"A100-80GB": 3.40, "T4": 0.35},      (optional)
 *           "budget": 100}                                          (optional, in the cost's unit)
 * current: {"hosts": [...],                                         (when no --cluster is given)
 *           "instances": [{"id": "r1", "host": "a0", "gpuType": "A100-80GB", "parallelDegree": 1,
 *                          "replicas": 1, "maxBatch": 32}],
 *           "verticalSeconds": 2, "horizontalSeconds": 20, "stabilisationSeconds": 300, "minInstances": 1}
 * </pre>
 */
final class PlanFiles {
  /** The most hosts a cluster file may describe. */
  static final int MAX_HOSTS = 100_000;

  private PlanFiles() {}

  /** A cluster file's contents. */
  record ClusterFile(Cluster cluster, Map<String, Double> prices, OptionalDouble budget) {}

  /** One running instance as the file gives it; its capacity is computed by the caller. */
  record InstanceSpec(String id, String host, String gpuType, int parallelDegree, int replicas, int maxBatch) {}

  /** A current-deployment file's contents; absent times fall back to the command's options. */
  record CurrentFile(Optional<Cluster> cluster, List<InstanceSpec> instances, OptionalDouble verticalSeconds,
      OptionalDouble horizontalSeconds, OptionalDouble stabilisationSeconds, Optional<Integer> minInstances) {}

  static ClusterFile readCluster(Path file) {
    JsonNode root = read(file);
    Cluster cluster = hosts(file, root, true).orElseThrow();
    Map<String, Double> prices = new LinkedHashMap<>();
    JsonNode p = root.get("pricePerGpu");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw bad(file, "pricePerGpu", "an object of GPU type to price", p);
      }
      Iterator<Map.Entry<String, JsonNode>> it = p.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        prices.put(e.getKey(), positive(file, "pricePerGpu." + e.getKey(), e.getValue()));
      }
    }
    JsonNode b = root.get("budget");
    OptionalDouble budget = b == null || b.isNull() ? OptionalDouble.empty()
        : OptionalDouble.of(nonNegative(file, "budget", b));
    known(file, root, "", List.of("hosts", "pricePerGpu", "budget"));
    return new ClusterFile(cluster, prices, budget);
  }

  static CurrentFile readCurrent(Path file) {
    JsonNode root = read(file);
    Optional<Cluster> cluster = hosts(file, root, false);
    JsonNode list = root.get("instances");
    if (list == null || !list.isArray()) {
      throw bad(file, "instances", "an array of running instances (it may be empty)", list);
    }
    List<InstanceSpec> instances = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String at = "instances[" + i + "]";
      if (!n.isObject()) {
        throw bad(file, at, "an object", n);
      }
      known(file, n, at + ".", List.of("id", "host", "gpuType", "parallelDegree", "replicas", "maxBatch"));
      instances.add(new InstanceSpec(text(file, at + ".id", n.get("id")), text(file, at + ".host", n.get("host")),
          text(file, at + ".gpuType", n.get("gpuType")), whole(file, at + ".parallelDegree", n.get("parallelDegree"), 1),
          whole(file, at + ".replicas", n.get("replicas"), 1), whole(file, at + ".maxBatch", n.get("maxBatch"), 0)));
    }
    known(file, root, "", List.of("hosts", "instances", "verticalSeconds", "horizontalSeconds",
        "stabilisationSeconds", "minInstances"));
    return new CurrentFile(cluster, instances, optionalSeconds(file, root, "verticalSeconds"),
        optionalSeconds(file, root, "horizontalSeconds"), optionalSeconds(file, root, "stabilisationSeconds"),
        root.has("minInstances") ? Optional.of(whole(file, "minInstances", root.get("minInstances"), 1))
            : Optional.empty());
  }

  static Optional<Cluster> hosts(Path file, JsonNode root, boolean required) {
    JsonNode list = root.get("hosts");
    if (list == null && !required) {
      return Optional.empty();
    }
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw bad(file, "hosts", "a non-empty array of hosts", list);
    }
    List<Cluster.Host> hosts = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String at = "hosts[" + i + "]";
      if (!n.isObject()) {
        throw bad(file, at, "an object", n);
      }
      known(file, n, at + ".", List.of("name", "prefix", "count", "gpuType", "gpus"));
      String type = text(file, at + ".gpuType", n.get("gpuType"));
      int gpus = whole(file, at + ".gpus", n.get("gpus"), 1);
      if (n.has("count")) {
        if (n.has("name")) {
          throw new IllegalArgumentException(file + ": " + at + " has both name and count; give a name for one host"
              + " or a prefix and a count for several.");
        }
        int count = whole(file, at + ".count", n.get("count"), 1);
        if (count > MAX_HOSTS - hosts.size()) {
          throw new IllegalArgumentException(file + ": " + at + ".count (" + count + ") takes the cluster above "
              + MAX_HOSTS + " hosts.");
        }
        String prefix = n.has("prefix") ? text(file, at + ".prefix", n.get("prefix")) : type;
        for (int k = 0; k < count; k++) {
          hosts.add(new Cluster.Host(prefix + "-" + k, type, gpus));
        }
      } else {
        hosts.add(new Cluster.Host(text(file, at + ".name", n.get("name")), type, gpus));
      }
    }
    try {
      return Optional.of(new Cluster(hosts));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  static JsonNode read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("The file " + file + " does not exist or is not a file.");
    }
    try {
      JsonNode root = new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .readTree(file.toFile());
      if (root == null || !root.isObject()) {
        throw new IllegalArgumentException(file + ": expected a JSON object at the top level.");
      }
      return root;
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new IllegalArgumentException(file + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  static void known(Path file, JsonNode node, String prefix, List<String> names) {
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!names.contains(f)) {
        throw new IllegalArgumentException(file + ": unknown field " + prefix + f + "; expected one of " + names
            + ".");
      }
    }
  }

  static String text(Path file, String field, JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw bad(file, field, "a non-empty string", n);
    }
    return n.asText().trim();
  }

  static int whole(Path file, String field, JsonNode n, int min) {
    if (n == null || !n.canConvertToInt() || !n.isIntegralNumber() || n.asInt() < min) {
      throw bad(file, field, "a whole number of at least " + min, n);
    }
    return n.asInt();
  }

  static double positive(Path file, String field, JsonNode n) {
    if (n == null || !n.isNumber() || !(n.asDouble() > 0) || !Double.isFinite(n.asDouble())) {
      throw bad(file, field, "a number above 0", n);
    }
    return n.asDouble();
  }

  static double nonNegative(Path file, String field, JsonNode n) {
    if (n == null || !n.isNumber() || !(n.asDouble() >= 0) || !Double.isFinite(n.asDouble())) {
      throw bad(file, field, "a number of at least 0", n);
    }
    return n.asDouble();
  }

  private static OptionalDouble optionalSeconds(Path file, JsonNode root, String field) {
    JsonNode n = root.get(field);
    return n == null || n.isNull() ? OptionalDouble.empty() : OptionalDouble.of(nonNegative(file, field, n));
  }

  static IllegalArgumentException bad(Path file, String field, String expected, JsonNode got) {
    return new IllegalArgumentException(file + ": " + field + " must be " + expected + " (got "
        + (got == null ? "nothing" : got.toString()) + ").");
  }
}
