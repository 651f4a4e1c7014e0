package dev.scaleplan.solvers.loading;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Topologies as JSON, in the units of data sheets:
 *
 * <pre>
 * {"name": "h100-400g", "objectStoreGBps": 25, "hopLatencySeconds": 5e-6,
 *  "hosts": [{"name": "a", "gpus": 8, "nvlinkGBps": 450, "pcieGBps": 50, "nicGbps": 400, "nicPerGpu": true,
 *             "ssdGBps": 10},
 *            {"prefix": "b", "count": 4, "gpus": 8, ...}]}
 * </pre>
 *
 * <p>GB/s are 1e9 bytes per second, Gb/s 1e9 bits per second. {@code nvlinkGBps} 0 means no NVLink. Errors name the
 * file and the field.
 */
public final class TopologyJson {
  private static final List<String> TOP = List.of("name", "objectStoreGBps", "hopLatencySeconds", "hosts");
  private static final List<String> HOST = List.of("name", "prefix", "count", "gpus", "nvlinkGBps", "pcieGBps",
      "nicGbps", "nicPerGpu", "ssdGBps");

  private TopologyJson() {}

  /** Reads a topology file. */
  public static Topology read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("The topology file " + file + " does not exist or is not a file.");
    }
    try {
      return parse(Files.readString(file), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }

  /** Parses a topology; {@code where} names the source in errors. */
  public static Topology parse(String json, String where) {
    JsonNode root;
    try {
      root = new ObjectMapper()
          .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
          .readTree(json);
    } catch (JsonProcessingException e) {
      var loc = e.getLocation();
      throw new IllegalArgumentException(where + (loc == null ? "" : ":" + loc.getLineNr() + ":" + loc.getColumnNr())
          + ": not valid JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(where + ": expected a JSON object at the top level.");
    }
    known(where, root, "", TOP);
    String name = root.has("name") ? text(where, "name", root.get("name")) : "topology";
    double store = number(where, "objectStoreGBps", root.get("objectStoreGBps"), false) * Topology.GBYTE;
    double latency = root.has("hopLatencySeconds") ? number(where, "hopLatencySeconds", root.get("hopLatencySeconds"),
        true) : 0;
    JsonNode list = root.get("hosts");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException(where + ": hosts must be a non-empty array of hosts (got "
          + (list == null ? "nothing" : list) + ").");
    }
    List<Topology.Host> hosts = new ArrayList<>();
    for (int i = 0; i < list.size(); i++) {
      JsonNode n = list.get(i);
      String at = "hosts[" + i + "]";
      if (!n.isObject()) {
        throw new IllegalArgumentException(where + ": " + at + " must be an object (got " + n + ").");
      }
      known(where, n, at + ".", HOST);
      int gpus = whole(where, at + ".gpus", n.get("gpus"));
      double nvlink = n.has("nvlinkGBps") ? number(where, at + ".nvlinkGBps", n.get("nvlinkGBps"), true) : 0;
      double pcie = number(where, at + ".pcieGBps", n.get("pcieGBps"), false);
      double nic = number(where, at + ".nicGbps", n.get("nicGbps"), false);
      JsonNode per = n.get("nicPerGpu");
      if (per != null && !per.isBoolean()) {
        throw new IllegalArgumentException(where + ": " + at + ".nicPerGpu must be true or false (got " + per + ").");
      }
      boolean nicPerGpu = per != null && per.asBoolean();
      double ssd = number(where, at + ".ssdGBps", n.get("ssdGBps"), false);
      List<String> names = new ArrayList<>();
      if (n.has("count")) {
        if (n.has("name")) {
          throw new IllegalArgumentException(where + ": " + at + " has both name and count; give a name for one host"
              + " or a prefix and a count for several.");
        }
        int count = whole(where, at + ".count", n.get("count"));
        if (count > 100_000 - hosts.size()) {
          throw new IllegalArgumentException(where + ": " + at + ".count (" + count + ") takes the topology above"
              + " 100000 hosts.");
        }
        String prefix = n.has("prefix") ? text(where, at + ".prefix", n.get("prefix")) : "host";
        for (int k = 0; k < count; k++) {
          names.add(prefix + "-" + k);
        }
      } else {
        names.add(text(where, at + ".name", n.get("name")));
      }
      for (String h : names) {
        try {
          hosts.add(new Topology.Host(h, gpus, nvlink * Topology.GBYTE, pcie * Topology.GBYTE, nic * Topology.GBIT,
              nicPerGpu, ssd * Topology.GBYTE));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(where + ": " + at + ": " + e.getMessage(), e);
        }
      }
    }
    try {
      return new Topology(name, hosts, store, latency);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
    }
  }

  /** The topology as JSON (one entry per host), readable by {@link #parse}. */
  public static String write(Topology t) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("name", t.name());
    root.put("objectStoreGBps", t.objectStoreBytesPerSecond() / Topology.GBYTE);
    root.put("hopLatencySeconds", t.hopLatencySeconds());
    List<Map<String, Object>> hosts = new ArrayList<>();
    for (Topology.Host h : t.hosts()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", h.name());
      m.put("gpus", h.gpus());
      m.put("nvlinkGBps", h.nvlinkBytesPerSecond() / Topology.GBYTE);
      m.put("pcieGBps", h.pcieBytesPerSecond() / Topology.GBYTE);
      m.put("nicGbps", h.nicBytesPerSecond() / Topology.GBIT);
      m.put("nicPerGpu", h.nicPerGpu());
      m.put("ssdGBps", h.ssdBytesPerSecond() / Topology.GBYTE);
      hosts.add(m);
    }
    root.put("hosts", hosts);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void known(String where, JsonNode node, String prefix, List<String> names) {
    Iterator<String> it = node.fieldNames();
    while (it.hasNext()) {
      String f = it.next();
      if (!names.contains(f)) {
        throw new IllegalArgumentException(where + ": unknown field " + prefix + f + "; expected one of " + names
            + ".");
      }
    }
  }

  private static String text(String where, String field, JsonNode n) {
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new IllegalArgumentException(where + ": " + field + " must be a non-empty string (got "
          + (n == null ? "nothing" : n) + ").");
    }
    return n.asText().trim();
  }

  private static int whole(String where, String field, JsonNode n) {
    if (n == null || !n.isIntegralNumber() || !n.canConvertToInt() || n.asInt() < 1) {
      throw new IllegalArgumentException(where + ": " + field + " must be a whole number of at least 1 (got "
          + (n == null ? "nothing" : n) + ").");
    }
    return n.asInt();
  }

  private static double number(String where, String field, JsonNode n, boolean zeroAllowed) {
    if (n == null || !n.isNumber() || !Double.isFinite(n.asDouble()) || n.asDouble() < 0
        || !zeroAllowed && n.asDouble() == 0) {
      throw new IllegalArgumentException(where + ": " + field + " must be a number " + (zeroAllowed ? "of at least 0"
          : "above 0") + " (got " + (n == null ? "nothing" : n) + ").");
    }
    return n.asDouble();
  }
}
