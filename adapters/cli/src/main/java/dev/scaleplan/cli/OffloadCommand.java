package dev.scaleplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.profiler.ProfileKey;
import dev.scaleplan.solvers.loading.LoadPlan;
import dev.scaleplan.solvers.loading.LoadPlanner;
import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.solvers.loading.Topology;
import dev.scaleplan.solvers.loading.TopologyJson;
import dev.scaleplan.solvers.offload.CapacityTimeline;
import dev.scaleplan.solvers.offload.LayerCosts;
import dev.scaleplan.solvers.offload.SplitPlanner;
import dev.scaleplan.testkit.report.SvgLineChart;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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

/** {@code scaleplan offload}: throughput over a scale-out with and without layer-level live offload. */
@Command(
    name = "offload",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Live scaling (BlitzScale): while new instances load their layers front to back, the overloaded instance "
          + "hands them work at layer granularity; they run the layers they hold and pass the activations on. "
          + "Prints the capacity timeline (throughput over time, with and without live offload, and the split used) "
          + "and the requests live offload serves earlier (the area between the curves).",
      "",
      "With no options: one new Llama-2-7B instance (32 layers, 13.5 GB in FP16, per-layer times of an A100 from "
          + "Vidur's profile) loading on the embedded PCIe topology from a serving instance, batches of 4 requests of "
          + "512 tokens, 8 KB of activations per token (hidden size 4,096 in FP16)."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan offload",
      "  scaleplan offload --topology-example h100 --targets 3 --plot timeline.svg",
      "  scaleplan offload --tokens 128 --batch 16 --slo-target 500ms --json"
    })
final class OffloadCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--profile", paramLabel = "FILE", description = "A per-layer profile (scaleplan CSV/JSON, Vidur mlp.csv).")
  Path profile;

  @Option(names = "--example", paramLabel = "NAME", defaultValue = "llama2-7b-layer",
      description = "An embedded per-layer profile. Default: ${DEFAULT-VALUE}.")
  String example;

  @Option(names = "--gpu", paramLabel = "TYPE", description = "The profile's GPU type. Default: its first.")
  String gpu;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "32", description = "Layers. Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--model-bytes", paramLabel = "N", defaultValue = "13.5GB",
      description = "Parameter bytes. Default: ${DEFAULT-VALUE}.")
  String modelBytes;

  @Option(names = "--batch", paramLabel = "B", defaultValue = "4", description = "Requests per batch. Default: ${DEFAULT-VALUE}.")
  int batch;

  @Option(names = "--tokens", paramLabel = "T", defaultValue = "512",
      description = "Tokens per request (the profile's batch is tokens per iteration). Default: ${DEFAULT-VALUE}.")
  int tokens;

  @Option(names = "--activation-bytes", paramLabel = "N", defaultValue = "8192",
      description = "Activation bytes per token at a layer boundary. Default: ${DEFAULT-VALUE}.")
  long activationBytes;

  @Option(names = "--topology", paramLabel = "FILE", description = "A topology JSON file.")
  Path topology;

  @Option(names = "--topology-example", paramLabel = "NAME", defaultValue = "pcie",
      description = "An embedded topology, h100 or pcie. Default: ${DEFAULT-VALUE}.")
  String topologyExample;

  @Option(names = "--targets", paramLabel = "N", defaultValue = "1",
      description = "New instances loading at once (a chain). Default: ${DEFAULT-VALUE}.")
  int targets;

  @Option(names = "--rate", paramLabel = "R", converter = FiniteDoubleConverter.class,
      description = "Demand, requests per second: when capacity first covers it, with and without offload (and the "
          + "plot's reference line).")
  Double rate;

  @Option(names = "--slo-percentile", paramLabel = "P", defaultValue = "99", converter = FiniteDoubleConverter.class,
      description = "The SLO's percentile. A batch's stages are deterministic, so every percentile of its latency is"
          + " the latency itself. Default: ${DEFAULT-VALUE}.")
  double sloPercentile;

  @Option(names = "--slo-target", paramLabel = "X", converter = DurationConverter.class,
      description = "Use a split only while a batch through it stays within X.")
  Double sloTarget;

  @Option(names = "--plot", paramLabel = "FILE.svg", description = "Also write the timeline as an SVG chart.")
  Path plot;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  /** What the command computes: the profile, the layer costs, the load plan, the timeline, one instance's rate. */
  record Computed(LatencyProfile profile, LayerCosts costs, LoadPlan plan, CapacityTimeline.Timeline timeline,
      double alone, Topology topology, double perLayer, long perRequest, LoadRequest load) {}

  @Override
  public Integer call() {
    Computed c = compute();
    LatencyProfile p = c.profile();
    LayerCosts costs = c.costs();
    LoadPlan plan = c.plan();
    CapacityTimeline.Timeline tl = c.timeline();
    double alone = c.alone();
    Topology t = c.topology();
    double perLayer = c.perLayer();
    long perRequest = c.perRequest();
    LoadRequest load = c.load();
    double link = t.hosts().get(0).nicBytesPerSecond();
    PrintWriter out = spec.commandLine().getOut();
    if (plot != null) {
      writePlot(tl, alone);
    }
    if (json) {
      out.println(toJson(p, costs, plan, tl, alone));
      return 0;
    }
    return print(out, p, costs, plan, tl, alone, t, perLayer, perRequest, load, link);
  }

  /** The timeline with this command's options (defaults: Llama-2-7B's layer on the pcie topology). */
  Computed compute() {
    if (layers < 1 || layers > 1_000 || batch < 1 || tokens < 1 || activationBytes < 0
        || activationBytes > 1L << 40 || targets < 1 || targets > 16) {
      throw new IllegalArgumentException("Need --layers in 1..1000, --batch and --tokens of at least 1, "
          + "--activation-bytes in 0..2^40 and --targets in 1..16.");
    }
    if (sloTarget != null && !(sloTarget > 0)) {
      throw new IllegalArgumentException("The --slo-target (" + sloTarget + " s) must be above 0.");
    }
    long perRequest;
    try {
      perRequest = Math.multiplyExact(activationBytes, (long) tokens);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("--activation-bytes x --tokens overflows; give smaller values.");
    }
    ProfileCommand.Source source = new ProfileCommand.Source();
    source.file = profile;
    source.example = profile == null ? example : null;
    LatencyProfile p = source.load().get(0);
    LatencyCurve curve = null;
    for (Map.Entry<ProfileKey, LatencyCurve> e : p.curves().entrySet()) {
      if (e.getKey().parallelDegree() == 1 && e.getKey().phase() == Phase.BATCH
          && (gpu == null || e.getKey().gpuType().equalsIgnoreCase(gpu))) {
        curve = e.getValue();
        break;
      }
    }
    if (curve == null) {
      throw new IllegalArgumentException("The profile " + p.model() + " has no batch curve at parallel degree 1"
          + (gpu == null ? "" : " for " + gpu) + ".");
    }
    if (!(sloPercentile > 0 && sloPercentile < 100)) {
      throw new IllegalArgumentException("The --slo-percentile (" + sloPercentile + ") must be between 0 and 100.");
    }
    if (rate != null && !(rate > 0)) {
      throw new IllegalArgumentException("The --rate (" + rate + ") must be above 0.");
    }
    long tokensPerBatch = (long) batch * tokens;
    if (tokensPerBatch > curve.maxBatch()) {
      throw new IllegalArgumentException("A batch of " + tokensPerBatch + " tokens is beyond the profile's range "
          + "1.." + curve.maxBatch() + ".");
    }
    double perLayer = curve.seconds((int) tokensPerBatch, LatencyCurve.Statistic.MEAN);
    Topology t = topology != null ? TopologyJson.read(topology) : Topology.example(topologyExample, 1 + targets);
    if (t.hosts().size() < 1 + targets) {
      throw new IllegalArgumentException("The topology needs " + (1 + targets) + " hosts (one serving, one per new "
          + "instance).");
    }
    Topology.Host host = t.hosts().get(0);
    double link = host.nicBytesPerSecond();
    LayerCosts costs = LayerCosts.uniform(layers, perLayer, perRequest, batch, link,
        t.hopLatencySeconds());
    List<LoadRequest.Instance> news = new ArrayList<>();
    for (int i = 1; i <= targets; i++) {
      news.add(new LoadRequest.Instance(t.hosts().get(i).name(), new int[] {0}));
    }
    LoadRequest load = new LoadRequest(t, LoadRequest.uniformLayers(LoadCommand.bytes(modelBytes, "--model-bytes"),
        layers), 1, List.of(new LoadRequest.Instance(host.name(), new int[] {0})), Set.of(), Set.of(), true, news,
        LoadRequest.DEFAULT_CHUNK);
    LoadPlan plan = LoadPlanner.plan(load);
    List<double[]> ready = plan.instances().stream().map(LoadPlan.InstanceLoad::layerReadySeconds).toList();
    CapacityTimeline.Timeline tl = CapacityTimeline.of(costs, ready,
        sloTarget == null ? Double.POSITIVE_INFINITY : sloTarget);
    double alone = batch / costs.wholeSeconds();
    return new Computed(p, costs, plan, tl, alone, t, perLayer, perRequest, load);
  }

  private int print(PrintWriter out, LatencyProfile p, LayerCosts costs, LoadPlan plan, CapacityTimeline.Timeline tl,
      double alone, Topology t, double perLayer, long perRequest, LoadRequest load, double link) {
    out.printf(Locale.ROOT, "%s: %d layers of %s (batch of %d x %d tokens), %d new instance(s) loading %s on %s in %s%n",
        p.model(), layers, Text.seconds(perLayer), batch, tokens, targets, gbText(load.modelBytes()), t.name(),
        Text.seconds(plan.makespanSeconds()));
    out.printf(Locale.ROOT, "one instance alone: %s requests/s; activations %s per request over %s%n",
        Text.number(Math.round(alone * 10) / 10.0), bytesText(perRequest),
        bytesText((long) link) + "/s");
    Text.Table table = new Text.Table("from", "with offload", "without", "split (layers per instance)");
    CapacityTimeline.Point shown = null;
    for (CapacityTimeline.Point pt : tl.points()) {
      if (shown != null && shown.withOffloadPerSecond() == pt.withOffloadPerSecond()
          && shown.withoutOffloadPerSecond() == pt.withoutOffloadPerSecond()) {
        continue; // a layer arrived but the best split stayed
      }
      shown = pt;
      table.row(Text.seconds(pt.timeSeconds()), rate(pt.withOffloadPerSecond()), rate(pt.withoutOffloadPerSecond()),
          pt.timeSeconds() >= tl.completeSeconds() && tl.completeSeconds() > 0 ? "every instance serves alone"
              : describe(pt.split()));
    }
    table.print(out);
    out.printf(Locale.ROOT, "complete at %s; live offload serves %s more requests before then%n",
        Text.seconds(tl.completeSeconds()), Text.number(Math.round(tl.extraRequests())));
    if (rate != null) {
      out.printf(Locale.ROOT, "demand %s/s covered from %s with live offload, %s without%n", Text.number(rate),
          Text.seconds(coveredAt(tl, rate, true)), Text.seconds(coveredAt(tl, rate, false)));
    }
    return 0;
  }

  /** When throughput first reaches {@code rate}; infinite if never. */
  static double coveredAt(CapacityTimeline.Timeline tl, double rate, boolean with) {
    for (CapacityTimeline.Point p : tl.points()) {
      if ((with ? p.withOffloadPerSecond() : p.withoutOffloadPerSecond()) >= rate) {
        return p.timeSeconds();
      }
    }
    return Double.POSITIVE_INFINITY;
  }

  private static String describe(SplitPlanner.Split s) {
    if (s.alone()) {
      return "old instance alone";
    }
    List<String> parts = new ArrayList<>();
    for (SplitPlanner.Stage st : s.stages()) {
      parts.add((st.instance() < 0 ? "old" : "new-" + (st.instance() + 1)) + " " + st.fromLayer() + "-"
          + (st.toLayer() - 1));
    }
    return String.join(" | ", parts);
  }

  private static String rate(double r) {
    return String.format(Locale.ROOT, "%,.1f/s", r);
  }

  private static String gbText(long bytes) {
    return String.format(Locale.ROOT, "%.3g GB", bytes / 1e9);
  }

  private static String bytesText(long bytes) {
    return bytes >= 1e9 ? String.format(Locale.ROOT, "%.3g GB", bytes / 1e9)
        : String.format(Locale.ROOT, "%.3g MB", bytes / 1e6);
  }

  private void writePlot(CapacityTimeline.Timeline tl, double alone) {
    SvgLineChart chart = new SvgLineChart("Throughput while new instances load", "seconds", "requests/s");
    double end = tl.completeSeconds() * 1.2 + 1e-3;
    chart.add("with live offload", steps(tl, true, end)[0], steps(tl, true, end)[1]);
    chart.add("without", steps(tl, false, end)[0], steps(tl, false, end)[1]);
    if (rate != null) {
      chart.reference(rate, "demand " + Text.number(rate) + "/s");
    } else {
      chart.reference(alone, "one instance");
    }
    try {
      Files.writeString(plot, chart.render());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + plot + ": " + e.getMessage(), e);
    }
  }

  private static double[][] steps(CapacityTimeline.Timeline tl, boolean with, double end) {
    List<double[]> pts = new ArrayList<>();
    double prev = Double.NaN;
    for (CapacityTimeline.Point p : tl.points()) {
      double v = with ? p.withOffloadPerSecond() : p.withoutOffloadPerSecond();
      if (!Double.isNaN(prev)) {
        pts.add(new double[] {p.timeSeconds(), prev});
      }
      pts.add(new double[] {p.timeSeconds(), v});
      prev = v;
    }
    pts.add(new double[] {end, prev});
    return new double[][] {pts.stream().mapToDouble(x -> x[0]).toArray(), pts.stream().mapToDouble(x -> x[1]).toArray()};
  }

  private String toJson(LatencyProfile p, LayerCosts costs, LoadPlan plan, CapacityTimeline.Timeline tl,
      double alone) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", p.model());
    o.put("layers", costs.layers());
    o.put("layerSeconds", costs.layerSeconds()[0]);
    o.put("batch", costs.batch());
    o.put("aloneThroughput", alone);
    o.put("loadMakespan", plan.makespanSeconds());
    o.put("completeSeconds", tl.completeSeconds());
    o.put("extraRequests", tl.extraRequests());
    if (rate != null) {
      o.put("rate", rate);
      o.put("coveredWithOffloadSeconds", Text.jsonNumber(coveredAt(tl, rate, true)));
      o.put("coveredWithoutOffloadSeconds", Text.jsonNumber(coveredAt(tl, rate, false)));
    }
    List<Map<String, Object>> pts = new ArrayList<>();
    for (CapacityTimeline.Point pt : tl.points()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("timeSeconds", pt.timeSeconds());
      m.put("withOffload", pt.withOffloadPerSecond());
      m.put("withoutOffload", pt.withoutOffloadPerSecond());
      m.put("split", describe(pt.split()));
      m.put("pipelineBatchSeconds", pt.split().latencySeconds());
      m.put("bottleneckSeconds", pt.split().bottleneckSeconds());
      pts.add(m);
    }
    o.put("timeline", pts);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
