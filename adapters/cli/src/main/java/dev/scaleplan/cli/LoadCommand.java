package dev.scaleplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.solvers.loading.InstancePlacement;
import dev.scaleplan.solvers.loading.LoadPlan;
import dev.scaleplan.solvers.loading.LoadPlanner;
import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.solvers.loading.Topology;
import dev.scaleplan.solvers.loading.TopologyJson;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scaleplan load}: how to get a model's parameters onto new instances, against the usual baselines. */
@Command(
    name = "load",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Parameter loading plan for new instances: for each new GPU, where its shard comes from (a serving GPU over "
          + "NVLink or RDMA in a pipelined chain, its host's memory or SSD, another host's memory, the object "
          + "store), when each is complete, the makespan, and a lower bound; beside it the baselines: every GPU "
          + "reading from the object store, every GPU reading from its own host's memory (cache everywhere), and "
          + "each GPU reading from its fastest tier without multicast (ServerlessLLM).",
      "",
      "With no options it loads 4 new instances of a Llama-2-70B-sized model (140 GB in FP16, 80 equal layers, "
          + "tensor-parallel 8) on the embedded 8-host H100 topology, from one serving instance on the first host "
          + "and the object store.",
      "",
      "Sources (--sources, comma-separated): instance@HOST (a serving instance on the host's first GPUs), "
          + "memory@HOST, ssd@HOST, store."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan load",
      "  scaleplan load --example pcie --hosts 16 --targets 16 --sources store --json",
      "  scaleplan load --topology my-cluster.json --model-bytes 16GB --tp 2 --targets 8 --sources memory@a0,store"
    })
final class LoadCommand implements Callable<Integer> {
  static final long DEFAULT_MODEL_BYTES = 140_000_000_000L;
  static final int DEFAULT_LAYERS = 80;

  @Spec CommandSpec spec;

  @Option(names = "--topology", paramLabel = "FILE", description = "A topology JSON file (see the README).")
  Path topology;

  @Option(names = "--example", paramLabel = "NAME",
      description = "An embedded topology: h100 (8 x H100 per host, NVLink, 400 Gb/s NIC per GPU; default) or pcie "
          + "(8 GPUs per host on PCIe Gen4, one 100 Gb/s NIC per host).")
  String example;

  @Option(names = "--hosts", paramLabel = "N", defaultValue = "8",
      description = "Hosts of the embedded topology. Default: ${DEFAULT-VALUE}.")
  int hosts;

  @Option(names = "--model-bytes", paramLabel = "N",
      description = "Parameter bytes (a number, or with GB, GiB, MB, MiB). Default: 140GB.")
  String modelBytes;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "80",
      description = "Layers, of equal size, when the model is given by bytes. Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "A profile whose facts give the model's per-layer (or total) parameter bytes.")
  Path profile;

  @Option(names = "--sources", paramLabel = "LIST", split = ",",
      description = "Where the model is. Default: instance@<first host>,store.")
  List<String> sources;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "4",
      description = "New instances, placed on free GPUs by locality. Default: ${DEFAULT-VALUE}.")
  int targets;

  @Option(names = "--tp", paramLabel = "K", defaultValue = "8",
      description = "GPUs per instance (tensor-parallel degree). Default: ${DEFAULT-VALUE}.")
  int tp;

  @Option(names = "--chunk", paramLabel = "BYTES", defaultValue = "16MiB",
      description = "The unit a chain forwards. Default: ${DEFAULT-VALUE}.")
  String chunk;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    Topology t = topology();
    long[] layerBytes = layerBytes();
    if (tp < 1) {
      throw new IllegalArgumentException("The --tp (" + tp + ") must be at least 1.");
    }
    if (targets < 1) {
      throw new IllegalArgumentException("The --targets (" + targets + ") must be at least 1.");
    }
    List<LoadRequest.Instance> serving = new ArrayList<>();
    Set<String> memory = new HashSet<>();
    Set<String> ssd = new HashSet<>();
    boolean store = false;
    List<String> given = sources == null ? List.of("instance@" + t.hosts().get(0).name(), "store") : sources;
    Map<String, int[]> free = new LinkedHashMap<>();
    for (Topology.Host h : t.hosts()) {
      free.put(h.name(), java.util.stream.IntStream.range(0, h.gpus()).toArray());
    }
    for (String s : given) {
      String item = s.trim();
      if (item.equals("store")) {
        store = true;
        continue;
      }
      int at = item.indexOf('@');
      if (at < 0) {
        throw new IllegalArgumentException("The source '" + item + "' must be instance@HOST, memory@HOST, ssd@HOST "
            + "or store.");
      }
      String kind = item.substring(0, at);
      String host = item.substring(at + 1);
      t.indexOf(host);
      switch (kind) {
        case "instance" -> {
          int[] f = free.get(host);
          if (f.length < tp) {
            throw new IllegalArgumentException("Host " + host + " has " + f.length + " free GPUs, too few for a "
                + "serving instance of " + tp + ".");
          }
          serving.add(new LoadRequest.Instance(host, java.util.Arrays.copyOf(f, tp)));
          free.put(host, java.util.Arrays.copyOfRange(f, tp, f.length));
        }
        case "memory" -> memory.add(host);
        case "ssd" -> ssd.add(host);
        default -> throw new IllegalArgumentException("The source '" + item + "' must be instance@HOST, memory@HOST,"
            + " ssd@HOST or store.");
      }
    }
    Set<String> servingHosts = new HashSet<>();
    serving.forEach(i -> servingHosts.add(i.host()));
    List<LoadRequest.Instance> placed = InstancePlacement.choose(t, free, tp, targets, servingHosts, memory, ssd);
    LoadRequest request = new LoadRequest(t, layerBytes, tp, serving, memory, ssd, store, placed, bytes(chunk,
        "--chunk"));
    long start = System.nanoTime();
    List<LoadPlan> plans = LoadPlanner.compare(request);
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(request, plans, seconds));
    } else {
      print(out, request, plans, seconds);
    }
    return 0;
  }

  private Topology topology() {
    if (topology != null && example != null) {
      throw new IllegalArgumentException("Give --topology FILE or --example NAME, not both.");
    }
    if (topology != null) {
      if (spec.commandLine().getParseResult().hasMatchedOption("--hosts")) {
        throw new IllegalArgumentException("--hosts sizes the embedded topologies; a --topology file lists its own.");
      }
      return TopologyJson.read(topology);
    }
    if (hosts < 1 || hosts > 100_000) {
      throw new IllegalArgumentException("The --hosts (" + hosts + ") must be in 1..100000.");
    }
    return Topology.example(example == null ? "h100" : example, hosts);
  }

  private long[] layerBytes() {
    if (profile != null && modelBytes != null) {
      throw new IllegalArgumentException("Give --model-bytes N or --profile FILE, not both.");
    }
    if (layers < 1 || layers > 100_000) {
      throw new IllegalArgumentException("The --layers (" + layers + ") must be in 1..100000.");
    }
    if (profile != null) {
      ProfileCommand.Source source = new ProfileCommand.Source();
      source.file = profile;
      LatencyProfile p = source.load().get(0);
      long[] perLayer = p.facts().layerParameterBytes();
      if (perLayer.length > 0 && java.util.Arrays.stream(perLayer).allMatch(b -> b > 0 && b <= 1e16)) {
        return perLayer;
      }
      if (p.facts().parameterBytes().isPresent()) {
        return LoadRequest.uniformLayers(p.facts().parameterBytes().getAsLong(), layers);
      }
      throw new IllegalArgumentException("The profile " + profile + " gives no parameter bytes; use --model-bytes.");
    }
    long total = modelBytes == null ? DEFAULT_MODEL_BYTES : bytes(modelBytes, "--model-bytes");
    return LoadRequest.uniformLayers(total, layers);
  }

  /** Bytes from a number with an optional unit: 140GB, 130GiB, 64MiB, 1e9. */
  static long bytes(String text, String option) {
    String s = text.trim();
    double scale = 1;
    String[][] units = {{"GiB", "1073741824"}, {"MiB", "1048576"}, {"KiB", "1024"}, {"GB", "1e9"}, {"MB", "1e6"},
        {"KB", "1e3"}, {"B", "1"}};
    for (String[] u : units) {
      if (s.endsWith(u[0])) {
        scale = Double.parseDouble(u[1]);
        s = s.substring(0, s.length() - u[0].length()).trim();
        break;
      }
    }
    double v;
    try {
      if (!s.matches("[0-9]*\\.?[0-9]+([eE][+-]?[0-9]+)?")) {
        throw new NumberFormatException(s);
      }
      v = Double.parseDouble(s) * scale;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("The " + option + " ('" + text + "') must be a number of bytes, optionally"
          + " with GB, GiB, MB, MiB, KB, KiB or B.");
    }
    if (!(v >= 1) || v > 1e16) {
      throw new IllegalArgumentException("The " + option + " ('" + text + "') must be between 1 byte and 1e16.");
    }
    return (long) Math.ceil(v);
  }

  private void print(PrintWriter out, LoadRequest r, List<LoadPlan> plans, double seconds) {
    LoadPlan p = plans.get(0);
    out.printf(Locale.ROOT, "load %s (%d layers, %s per GPU at tensor-parallel %d) onto %d new instances on %s%n",
        gb(r.modelBytes()), r.layerBytes().length, gb(r.shardBytes()), r.parallelDegree(), r.targets().size(),
        r.topology().name() + " (" + r.topology().hosts().size() + " hosts)");
    Text.Table t = new Text.Table("instance", "host", "GPUs", "sources", "first layer", "done");
    for (LoadPlan.InstanceLoad i : p.instances()) {
      Set<String> tiers = new java.util.TreeSet<>();
      p.gpus().stream().filter(g -> g.target() == i.target())
          .forEach(g -> tiers.add(g.tier().label() + (g.path().size() > 2 ? " (chain)" : "")));
      t.row("new-" + (i.target() + 1), i.instance().host(), java.util.Arrays.toString(i.instance().gpus()),
          String.join(", ", tiers), Text.seconds(i.layerReadySeconds()[0]), Text.seconds(i.doneSeconds()));
    }
    t.print(out);
    out.printf(Locale.ROOT, "makespan %s; lower bound %s (ratio %.3f); planned in %s%n", Text.seconds(p.makespanSeconds()),
        Text.seconds(p.lowerBoundSeconds()), p.ratioToLowerBound(), Text.seconds(seconds));
    out.println();
    Text.Table b = new Text.Table("strategy", "makespan", "vs lower bound", "vs multicast");
    for (LoadPlan q : plans) {
      b.row(q.strategy(), Text.seconds(q.makespanSeconds()),
          String.format(Locale.ROOT, "%.3fx", q.makespanSeconds() / p.lowerBoundSeconds()),
          String.format(Locale.ROOT, "%.2fx", q.makespanSeconds() / p.makespanSeconds()));
    }
    b.print(out);
    out.println("(host-cache assumes every host holds the model in memory, object-store that the store does)");
  }

  private static String gb(long bytes) {
    return String.format(Locale.ROOT, "%.3g GB", bytes / 1e9);
  }

  private String toJson(LoadRequest r, List<LoadPlan> plans, double seconds) {
    LoadPlan p = plans.get(0);
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("topology", r.topology().name());
    o.put("modelBytes", r.modelBytes());
    o.put("layers", r.layerBytes().length);
    o.put("parallelDegree", r.parallelDegree());
    o.put("makespan", p.makespanSeconds());
    o.put("lowerBound", p.lowerBoundSeconds());
    o.put("ratioToLowerBound", p.ratioToLowerBound());
    List<Map<String, Object>> inst = new ArrayList<>();
    for (LoadPlan.InstanceLoad i : p.instances()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("host", i.instance().host());
      m.put("gpus", i.instance().gpus());
      m.put("doneSeconds", i.doneSeconds());
      m.put("layerReadySeconds", i.layerReadySeconds());
      List<Map<String, Object>> g = new ArrayList<>();
      p.gpus().stream().filter(x -> x.target() == i.target()).forEach(x -> {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("gpu", x.gpu());
        e.put("shard", x.shard());
        e.put("tier", x.tier().label());
        e.put("path", x.path());
        e.put("rateBytesPerSecond", x.rateBytesPerSecond());
        e.put("doneSeconds", x.doneSeconds());
        g.add(e);
      });
      m.put("perGpu", g);
      inst.add(m);
    }
    o.put("instances", inst);
    Map<String, Object> base = new LinkedHashMap<>();
    for (LoadPlan q : plans.subList(1, plans.size())) {
      base.put(q.strategy(), Map.of("makespan", q.makespanSeconds()));
    }
    o.put("baselines", base);
    List<Map<String, Object>> links = new ArrayList<>();
    for (LoadPlan.LinkUse l : p.links()) {
      if (l.chains() > 0) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("link", l.link());
        m.put("capacityBytesPerSecond", l.capacityBytesPerSecond());
        m.put("rateBytesPerSecond", l.rateBytesPerSecond());
        m.put("chains", l.chains());
        m.put("busyUntilSeconds", l.busyUntilSeconds());
        m.put("transfers", l.transfers().stream().map(x -> Map.of("chain", x.chain(), "head", x.head(),
            "rateBytesPerSecond", x.rateBytesPerSecond(), "startSeconds", x.startSeconds(), "endSeconds",
            x.endSeconds())).toList());
        links.add(m);
      }
    }
    o.put("links", links);
    o.put("planSeconds", seconds);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
