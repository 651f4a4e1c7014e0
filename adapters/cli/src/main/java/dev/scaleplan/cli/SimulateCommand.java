package dev.scaleplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.ExampleProfiles;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.solvers.control.Autoscaler;
import dev.scaleplan.solvers.control.AutoscalingPolicy;
import dev.scaleplan.solvers.control.InstanceSpec;
import dev.scaleplan.solvers.loading.LoadPlan;
import dev.scaleplan.solvers.loading.LoadPlanner;
import dev.scaleplan.solvers.loading.LoadRequest;
import dev.scaleplan.solvers.loading.Topology;
import dev.scaleplan.solvers.offload.CapacityTimeline;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import dev.scaleplan.testkit.policy.CapacityPolicy;
import dev.scaleplan.testkit.policy.KnativeKpa;
import dev.scaleplan.testkit.policy.KubernetesHpa;
import dev.scaleplan.testkit.policy.RayServe;
import dev.scaleplan.testkit.policy.TwoStagePolicy;
import dev.scaleplan.testkit.report.SvgLineChart;
import dev.scaleplan.testkit.sim.ClusterSimulator;
import dev.scaleplan.testkit.sim.Replications;
import dev.scaleplan.testkit.sim.SimResult;
import dev.scaleplan.testkit.trace.ArrivalStream;
import dev.scaleplan.testkit.trace.Arrivals;
import dev.scaleplan.testkit.trace.ExampleTraces;
import dev.scaleplan.testkit.trace.TraceFormatException;
import dev.scaleplan.testkit.trace.Traces;
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
import picocli.CommandLine;

/** {@code scaleplan simulate}: autoscaling policies on the same trace, in the cluster simulator. */
@Command(
    name = "simulate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Replays a trace through a simulated serving cluster under each autoscaling policy and compares latency, SLO "
          + "attainment and GPU-seconds. Every policy sees the same arrivals and the same random streams. Instances "
          + "batch by the embedded ResNet-50 profile on one GPU type; the trace gives the arrival times (scaled by "
          + "--rate-scale), not the work per request.",
      "",
      "Policies: fixed (the initial instances), k8s-hpa, knative-kpa, ray-serve (each by its documented default "
          + "rule, with a target of one max batch of requests per instance), scaleplan-capacity (ours: instances "
          + "from the queueing model's capacity under the SLO), and the joint family after Themis: "
          + "scaleplan-two-stage (ours: instances grow in place to 2 or 4 GPUs while new ones load, then shrink "
          + "back), horizontal-only (the same as scaleplan-capacity) and vertical-only; scaleplan-autoscaler (the "
          + "embeddable controller with its defaults: two stages, Knative's panic window, a Holt-Winters forecast "
          + "over the load time, HPA's 300 s scale-in window and step bound) and scaleplan-autoscaler-reactive (the "
          + "same without panic window and forecast; -nopanic and -noforecast leave out one).",
      "",
      "Exit status: 0 when the runs finished, 2 on bad input."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan simulate",
      "  scaleplan simulate --example azure-llm-conv --rate-scale 200 --out results/",
      "  scaleplan simulate --load-from all --policies scaleplan-capacity --replications 5",
      "  scaleplan simulate --trace my.csv.gz --format timestamps --policies fixed,scaleplan-capacity --json"
    })
final class SimulateCommand implements Callable<Integer> {
  static final List<String> POLICIES = List.of("fixed", "k8s-hpa", "knative-kpa", "ray-serve", "scaleplan-capacity",
      "horizontal-only", "vertical-only", "scaleplan-two-stage", "scaleplan-autoscaler",
      "scaleplan-autoscaler-reactive", "scaleplan-autoscaler-nopanic", "scaleplan-autoscaler-noforecast");
  static final List<String> EXAMPLES = List.of("azure-llm-code", "azure-llm-conv", "bursty", "poisson", "diurnal");

  @Spec CommandSpec spec;

  @Option(names = "--trace", paramLabel = "FILE", description = "A trace file (plain or gzip); needs --format.")
  Path trace;

  @Option(names = "--format", paramLabel = "NAME",
      description = "The trace's format: azure-llm, azure-functions-2021, azure-functions-2019, timestamps.")
  String format;

  @Option(names = "--example", paramLabel = "NAME", defaultValue = "azure-llm-code",
      description = "An embedded trace: azure-llm-code (default; bursty), azure-llm-conv (near Poisson), or "
          + "synthetic bursty (MMPP) or poisson, one hour at 2.5 requests/s before scaling, or diurnal, six 600 s "
          + "days around 25 requests/s (0.1x to 1.9x) before scaling.")
  String example;

  @Option(names = "--rate-scale", paramLabel = "X", defaultValue = "300", converter = FiniteDoubleConverter.class,
      description = "Multiply the trace's rate by X over the same duration, keeping its shape per second (the Azure "
          + "traces carry about 2.6 and 5.5 requests/s). Default: ${DEFAULT-VALUE}.")
  double rateScale;

  @Option(names = "--speed-up", paramLabel = "X", defaultValue = "1", converter = FiniteDoubleConverter.class,
      description = "Replay the trace X times as fast (time divided by X), after --rate-scale. "
          + "Default: ${DEFAULT-VALUE}.")
  double speedUp;

  @Option(names = "--policies", paramLabel = "LIST", split = ",",
      defaultValue = "fixed,k8s-hpa,knative-kpa,ray-serve,scaleplan-capacity,scaleplan-two-stage,"
          + "scaleplan-autoscaler",
      description = "Comma-separated policies (see above). Default: ${DEFAULT-VALUE}.")
  List<String> policies;

  @Option(names = "--gpu-type", paramLabel = "TYPE", defaultValue = "A100-80GB",
      description = "GPU type of the embedded ResNet-50 profile: A100-80GB, V100-32GB, T4, A40. "
          + "Default: ${DEFAULT-VALUE}.")
  String gpuType;

  @Option(names = "--max-batch", paramLabel = "B", defaultValue = "32",
      description = "Batch cap of an instance. Default: ${DEFAULT-VALUE}.")
  int maxBatch;

  @Option(names = "--slo-percentile", paramLabel = "P", defaultValue = "99", converter = FiniteDoubleConverter.class,
      description = "SLO percentile. Default: ${DEFAULT-VALUE}.")
  double sloPercentile;

  @Option(names = "--slo-target", paramLabel = "DURATION", defaultValue = "100ms", converter = DurationConverter.class,
      description = "SLO target latency. Default: ${DEFAULT-VALUE}.")
  double sloTarget;

  @Option(names = "--load-time", paramLabel = "DURATION", defaultValue = "10s", converter = DurationConverter.class,
      description = "Time from a scale-up decision to the new instance's first request. Default: ${DEFAULT-VALUE}.")
  double loadTime;

  @Option(names = "--resize-time", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = "Time for an instance grown in place (2 or 4 GPUs) to serve on its added GPUs: a copy from its own "
          + "GPU over NVLink, an assumption. Default: ${DEFAULT-VALUE}.")
  double resizeTime;

  @Option(names = "--hosts", paramLabel = "N",
      description = "Hosts in the cluster (with --gpus-per-host): instances take GPUs on one host, grow in place only "
          + "into free GPUs of their own host, and a start that fits no host is refused. Default: no limit.")
  Integer hosts;

  @Option(names = "--gpus-per-host", paramLabel = "G", defaultValue = "8",
      description = "GPUs per host with --hosts. Default: ${DEFAULT-VALUE}.")
  int gpusPerHost;

  @Option(names = "--live-offload",
      description = "Live scaling (BlitzScale): a loading instance already serves the share of its throughput that "
          + "layer-level cooperative execution gives, as 'scaleplan offload' computes it with its defaults "
          + "(Llama-2-7B layers, 13.5 GB on the pcie topology), stretched to the load time.")
  boolean liveOffload;

  @Option(names = "--load-from", paramLabel = "SOURCE",
      description = "Take the load time from the loading planner instead of --load-time: multicast (ours: chains from "
          + "a serving instance's GPUs), object-store (cold start), host-cache (cache everywhere), fastest-tier "
          + "(ServerlessLLM: a local SSD cache), or all (each policy once per source), for --model-bytes on "
          + "--topology.")
  String loadFrom;

  @Option(names = "--model-bytes", paramLabel = "BYTES", defaultValue = "13.5GB",
      description = "Parameter bytes loaded per new instance with --load-from (in 80 equal layers). "
          + "Default: ${DEFAULT-VALUE} (Llama-2-7B in fp16).")
  String modelBytes;

  @Option(names = "--topology", paramLabel = "NAME", defaultValue = "h100",
      description = "The embedded topology for --load-from: h100 (RDMA and NVLink) or pcie. Default: ${DEFAULT-VALUE}.")
  String topology;

  @Option(names = "--replications", paramLabel = "N", defaultValue = "1",
      description = "Independent runs per policy (other seeds for the arrivals' amplification and the random "
          + "streams); above 1 the table gives 95%% confidence intervals. Default: ${DEFAULT-VALUE}.")
  int replications;

  @Option(names = "--initial", paramLabel = "N", defaultValue = "1",
      description = "Instances serving at the start. Default: ${DEFAULT-VALUE}.")
  int initial;

  @Option(names = "--max-instances", paramLabel = "N", defaultValue = "64",
      description = "The most instances a policy may ask for. Default: ${DEFAULT-VALUE}.")
  int maxInstances;

  @Option(names = "--period", paramLabel = "DURATION", defaultValue = "1s", converter = DurationConverter.class,
      description = "How often policies observe and decide. Default: ${DEFAULT-VALUE}.")
  double period;

  @Option(names = "--season", paramLabel = "DURATION", defaultValue = "86400s", converter = DurationConverter.class,
      description = "The season of scaleplan-autoscaler's Holt-Winters forecast: a day by default; the diurnal "
          + "example's day lasts 600s. Default: ${DEFAULT-VALUE}.")
  double season;

  @Option(names = "--forecast-bucket", paramLabel = "DURATION", defaultValue = "60s",
      converter = DurationConverter.class,
      description = "The time one forecast observation (a mean rate) covers, for scaleplan-autoscaler. "
          + "Default: ${DEFAULT-VALUE}.")
  double forecastBucket;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "0s", converter = DurationConverter.class,
      description = "Requests arriving before this are not measured. Default: ${DEFAULT-VALUE}.")
  double warmup;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1",
      description = "Seed of the routing and service streams (and of synthetic traces). Default: ${DEFAULT-VALUE}.")
  long seed;

  @Option(names = "--out", paramLabel = "DIR",
      description = "Write summary.csv, timeline-<policy>.csv and SVG charts (p99 latency, instances, capacity vs "
          + "demand over time) into DIR.")
  Path out;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    validate();
    Slo slo = Slo.of(sloPercentile, sloTarget);
    InstanceSpec base = InstanceSpec.of(gpuType, latency(), maxBatch);
    List<InstanceSpec> catalog = List.of(base, base.withServers(2), base.withServers(4));
    CapacityPolicy ours = new CapacityPolicy(base, slo, maxInstances);
    double capacity = ours.capacityPerInstance();
    Map<String, Double> sources = loadSources();
    List<Replications> results = new ArrayList<>();
    List<String> sourceOf = new ArrayList<>();
    PrintWriter err = spec.commandLine().getErr();
    boolean progress = !json && System.console() != null;  // progress lines on a terminal only
    for (Map.Entry<String, Double> source : sources.entrySet()) {
      for (String name : policies) {
        if (progress) {
          err.printf(Locale.ROOT, "simulating %s%s ...%n", name, source.getKey().isEmpty() ? ""
              : " loading from " + source.getKey());
          err.flush();
        }
        List<SimResult> runs = new ArrayList<>();
        for (int k = 0; k < replications; k++) {
          try {
            double l = source.getValue();
            ArrivalStream a = arrivals(seed + k);
            runs.add(ClusterSimulator.run(catalog, new int[] {initial, 0, 0}, progress ? withProgress(a, err) : a,
                policy(name, catalog, slo, l), new ClusterSimulator.Options(slo, warmup, period, bucket(),
                    new double[] {l, l, l}, new double[] {resizeTime, resizeTime, resizeTime}, ramp(l), seed + k),
                hosts == null ? ClusterSimulator.Hosts.UNLIMITED : new ClusterSimulator.Hosts(hosts, gpusPerHost)));
          } catch (TraceFormatException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        }
        results.add(Replications.of(runs, 0.95));
        sourceOf.add(source.getKey());
      }
    }
    PrintWriter o = spec.commandLine().getOut();
    if (json) {
      o.println(json(slo, capacity, results, sourceOf, sources));
    } else {
      print(o, slo, capacity, results, sourceOf, sources);
    }
    if (out != null) {
      write(results.stream().map(r -> r.runs().get(0)).toList(), sourceOf, capacity);
      if (!json) {
        o.println("Wrote summary.csv, timeline-<policy>.csv, latency-p99.svg, instances.svg and "
            + "capacity-vs-demand.svg to " + out + (replications > 1 ? " (the first replication's)" : ""));
      }
    }
    o.flush();
    return 0;
  }

  /** The live-offload ramp for a load of {@code loadSeconds}, or null without --live-offload. */
  private TransitionPlanner.Ramp ramp(double loadSeconds) {
    if (!liveOffload || !(loadSeconds > 0)) {
      return null;
    }
    OffloadCommand.Computed c = CommandLine.populateCommand(new OffloadCommand()).compute();
    TransitionPlanner.Ramp shape = CapacityTimeline.ramp(c.timeline(), 1, c.alone());
    double stretch = loadSeconds / c.timeline().completeSeconds();
    double[] times = shape.times();
    for (int i = 0; i < times.length; i++) {
      times[i] *= stretch;
    }
    return new TransitionPlanner.Ramp(times, shape.fractions());
  }

  /** The stream, reporting on the terminal about twice a second how far the run has come. */
  private static ArrivalStream withProgress(ArrivalStream in, PrintWriter err) {
    return new ArrivalStream() {
      long n;
      long last = System.nanoTime();

      @Override
      public boolean advance() {
        boolean more = in.advance();
        if ((++n & 0xffff) == 0 && System.nanoTime() - last > 500_000_000L) {
          last = System.nanoTime();
          err.printf(Locale.ROOT, "\r  %,d requests, %s simulated", n, Text.seconds(in.seconds()));
          err.flush();
        }
        if (!more && n > 0xffff) {
          err.print("\r" + " ".repeat(60) + "\r");
          err.flush();
        }
        return more;
      }

      @Override
      public double seconds() {
        return in.seconds();
      }

      @Override
      public void close() {
        in.close();
      }
    };
  }

  private AutoscalingPolicy policy(String name, List<InstanceSpec> catalog, Slo slo, double load) {
    InstanceSpec spec = catalog.get(0);
    return switch (name) {
      case "scaleplan-autoscaler", "scaleplan-autoscaler-reactive", "scaleplan-autoscaler-nopanic",
          "scaleplan-autoscaler-noforecast" -> {
        Autoscaler.Builder b = Autoscaler.builder(catalog, slo).period(period).timing(load, resizeTime)
            .instances(1, maxInstances).panic(name.equals("scaleplan-autoscaler") || name.endsWith("noforecast"))
            .forecasting(name.equals("scaleplan-autoscaler") || name.endsWith("nopanic"))
            .season(forecastBucket, season);
        TransitionPlanner.Ramp r = ramp(load);
        yield (r == null ? b : b.liveOffload(r)).build().asPolicy();
      }
      case "scaleplan-two-stage" -> new TwoStagePolicy(TwoStagePolicy.Mode.TWO_STAGE, catalog, slo, maxInstances);
      case "horizontal-only" -> new TwoStagePolicy(TwoStagePolicy.Mode.HORIZONTAL_ONLY, catalog, slo, maxInstances);
      case "vertical-only" -> new TwoStagePolicy(TwoStagePolicy.Mode.VERTICAL_ONLY, catalog, slo, maxInstances);
      case "fixed" -> AutoscalingPolicy.fixed();
      case "k8s-hpa" -> new KubernetesHpa(maxBatch, 1, maxInstances);
      case "knative-kpa" -> new KnativeKpa(maxBatch / 0.7, maxInstances);
      case "ray-serve" -> new RayServe(maxBatch, 1, maxInstances, 10, 30, 30, 600, 1);
      default -> new CapacityPolicy(spec, slo, maxInstances);
    };
  }

  /** The load time of each source to simulate: --load-time alone, or the loading planner's, per --load-from. */
  private Map<String, Double> loadSources() {
    Map<String, Double> out = new LinkedHashMap<>();
    if (loadFrom == null) {
      out.put("", loadTime);
      return out;
    }
    String from = loadFrom.strip().toLowerCase(Locale.ROOT);
    List<String> known = List.of(LoadPlanner.MULTICAST, LoadPlanner.OBJECT_STORE, LoadPlanner.HOST_CACHE,
        LoadPlanner.FASTEST_TIER);
    if (!from.equals("all") && !known.contains(from)) {
      throw new IllegalArgumentException("There is no load source '" + loadFrom + "'; the sources are " + known
          + " or all.");
    }
    String t = topology.strip().toLowerCase(Locale.ROOT);
    if (!t.equals("h100") && !t.equals("pcie")) {
      throw new IllegalArgumentException("There is no embedded topology '" + topology + "'; they are [h100, pcie].");
    }
    Topology topo = Topology.example(t, 8);
    long bytes = LoadCommand.bytes(modelBytes, "--model-bytes");
    String serving = topo.hosts().get(0).name();
    String target = topo.hosts().get(1).name();
    LoadRequest request = new LoadRequest(topo, LoadRequest.uniformLayers(bytes, 80), 1,
        List.of(new LoadRequest.Instance(serving, new int[] {0})), Set.of(), Set.of(target), true,
        List.of(new LoadRequest.Instance(target, new int[] {0})), LoadRequest.DEFAULT_CHUNK);
    for (LoadPlan plan : LoadPlanner.compare(request)) {
      if (from.equals("all") || from.equals(plan.strategy())) {
        out.put(plan.strategy(), plan.makespanSeconds());
      }
    }
    return out;
  }

  private void validate() {
    if (trace != null && format == null) {
      throw new IllegalArgumentException("--trace needs --format (one of " + Traces.FORMATS + ").");
    }
    if (trace == null && format != null) {
      throw new IllegalArgumentException("--format goes with --trace FILE.");
    }
    if (!EXAMPLES.contains(example.toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException("There is no example '" + example + "'; the examples are " + EXAMPLES + ".");
    }
    for (String p : policies) {
      if (!POLICIES.contains(p)) {
        throw new IllegalArgumentException("There is no policy '" + p + "'; the policies are " + POLICIES + ".");
      }
    }
    if (!(rateScale > 0) || rateScale > 1e6 || !(speedUp > 0)) {
      throw new IllegalArgumentException("The --rate-scale (" + rateScale + ") must be above 0 and at most 10^6, "
          + "and --speed-up (" + speedUp + ") above 0.");
    }
    if (maxBatch < 1 || maxBatch > 128) {
      throw new IllegalArgumentException("The --max-batch (" + maxBatch + ") must be between 1 and 128 (the "
          + "embedded profile's largest batch).");
    }
    if (replications < 1 || replications > 1000) {
      throw new IllegalArgumentException("The --replications (" + replications + ") must be between 1 and 1,000.");
    }
    if (initial < 0 || initial > maxInstances) {
      throw new IllegalArgumentException("The --initial (" + initial + ") must be between 0 and --max-instances ("
          + maxInstances + ").");
    }
    if (maxInstances < 1 || maxInstances > 100_000) {
      throw new IllegalArgumentException("The --max-instances (" + maxInstances + ") must be between 1 and 100,000.");
    }
    if (hosts != null && (hosts < 1 || hosts > 100_000 || gpusPerHost < 1 || gpusPerHost > 1024)) {
      throw new IllegalArgumentException("The --hosts (" + hosts + ") must be between 1 and 100,000 and "
          + "--gpus-per-host (" + gpusPerHost + ") between 1 and 1,024.");
    }
    if (!(resizeTime >= 0)) {
      throw new IllegalArgumentException("The --resize-time (" + resizeTime + " s) must be at least 0.");
    }
    if (!(period > 0) || !(loadTime >= 0) || !(warmup >= 0)) {
      throw new IllegalArgumentException("The --period (" + period + " s) must be above 0, and --load-time ("
          + loadTime + " s) and --warmup (" + warmup + " s) at least 0.");
    }
  }

  private BatchLatency latency() {
    try {
      return ExampleProfiles.resnet50().require(gpuType, 1, Phase.BATCH).toBatchLatency(LatencyCurve.Statistic.MEAN);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("The embedded ResNet-50 profile has no GPU type '" + gpuType + "': "
          + e.getMessage(), e);
    }
  }

  private ArrivalStream arrivals(long runSeed) {
    ArrivalStream base;
    if (trace != null) {
      try {
        base = Traces.open(trace, format);
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the trace " + trace + ": " + e.getMessage(), e);
      }
    } else {
      base = switch (example.toLowerCase(Locale.ROOT)) {
        case "bursty" -> Arrivals.bursty(1.5, 15, 300, 30, 3600, runSeed);
        case "poisson" -> Arrivals.poisson(2.5, 3600, runSeed);
        case "diurnal" -> Arrivals.diurnal(25, 0.9, 600, 3600, runSeed);
        default -> ExampleTraces.open(example);
      };
    }
    ArrivalStream scaled = rateScale == 1 ? base : Arrivals.amplified(base, rateScale, 1, runSeed);
    return speedUp == 1 ? scaled : Arrivals.replay(scaled, speedUp);
  }

  private double bucket() {
    return Math.max(period, 10);
  }

  private void print(PrintWriter o, Slo slo, double capacity, List<Replications> results, List<String> sourceOf,
      Map<String, Double> sources) {
    o.printf(Locale.ROOT, "%s on ResNet-50 / %s (batch <= %d, %s per instance under %s), %s%n",
        trace != null ? trace + " (" + format + ")" : "example " + example, gpuType, maxBatch,
        Text.number(capacity) + " req/s", slo, loadText(sources));
    boolean ci = replications > 1;
    Text.Table t = new Text.Table("policy", "requests", "attainment", "p50", "p99", "p99.9", "violations",
        "GPU-seconds", "scale-ups");
    for (int i = 0; i < results.size(); i++) {
      Replications r = results.get(i);
      SimResult first = r.runs().get(0);
      String name = r.policy() + (sourceOf.get(i).isEmpty() ? "" : " / " + sourceOf.get(i));
      t.row(name, Long.toString(first.served() + first.dropped()),
          String.format(Locale.ROOT, "%.4f", r.attainment()) + (ci ? String.format(Locale.ROOT, " ± %.4f",
              r.attainmentHalfWidth()) : ""),
          Text.seconds(first.percentileSeconds(50)),
          Text.seconds(r.p99Seconds()) + (ci ? " ± " + Text.seconds(r.p99HalfWidth()) : ""),
          Text.seconds(first.percentileSeconds(99.9)), Long.toString(first.violations()),
          String.format(Locale.ROOT, "%.0f", r.gpuSeconds()), Long.toString(first.scaleUps()));
    }
    t.print(o);
    if (ci) {
      o.printf(Locale.ROOT, "Means of %d replications with 95%% Student-t intervals (attainment, p99, "
          + "GPU-seconds); the other columns are the first replication's.%n", replications);
    }
  }

  private String loadText(Map<String, Double> sources) {
    if (loadFrom == null) {
      return "load time " + Text.seconds(loadTime);
    }
    List<String> parts = new ArrayList<>();
    sources.forEach((k, v) -> parts.add(k + " " + Text.seconds(v)));
    return "load of " + modelBytes + " on " + topology + ": " + String.join(", ", parts);
  }

  private String json(Slo slo, double capacity, List<Replications> results, List<String> sourceOf,
      Map<String, Double> sources) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("trace", trace != null ? trace.toString() : example);
    root.put("rateScale", rateScale);
    root.put("speedUp", speedUp);
    root.put("gpuType", gpuType);
    root.put("maxBatch", maxBatch);
    root.put("sloPercentile", slo.percentile());
    root.put("sloSeconds", slo.targetSeconds());
    root.put("capacityPerInstance", capacity);
    root.put("loadSeconds", sources);
    root.put("replications", replications);
    List<Map<String, Object>> list = new ArrayList<>();
    for (int i = 0; i < results.size(); i++) {
      Replications rep = results.get(i);
      SimResult r = rep.runs().get(0);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("policy", r.policy());
      m.put("loadFrom", sourceOf.get(i).isEmpty() ? null : sourceOf.get(i));
      m.put("requests", r.served() + r.dropped());
      m.put("attainment", rep.attainment());
      m.put("attainmentHalfWidth", Text.jsonNumber(rep.attainmentHalfWidth()));
      m.put("violations", r.violations());
      m.put("p50Seconds", Text.jsonNumber(r.percentileSeconds(50)));
      m.put("p99Seconds", Text.jsonNumber(rep.p99Seconds()));
      m.put("p99HalfWidth", Text.jsonNumber(rep.p99HalfWidth()));
      m.put("p999Seconds", Text.jsonNumber(r.percentileSeconds(99.9)));
      m.put("gpuSeconds", rep.gpuSeconds());
      m.put("scaleUps", r.scaleUps());
      m.put("simulatedSeconds", r.simulatedSeconds());
      m.put("wallSeconds", r.wallSeconds());
      list.add(m);
    }
    root.put("policies", list);
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private void write(List<SimResult> results, List<String> sourceOf, double capacity) {
    try {
      Files.createDirectories(out);
      StringBuilder summary = new StringBuilder("policy,requests,attainment,violations,p50_s,p99_s,p999_s,"
          + "gpu_seconds,scale_ups\n");
      SvgLineChart p99 = new SvgLineChart("p99 latency per " + Text.seconds(bucket()) + " bucket", "time (s)",
          "p99 latency (s)").reference(sloTarget, "SLO target");
      SvgLineChart instances = new SvgLineChart("Ready instances", "time (s)", "instances");
      SvgLineChart demand = new SvgLineChart("Capacity vs demand", "time (s)", "requests/s");
      boolean demandDrawn = false;
      for (int i = 0; i < results.size(); i++) {
        SimResult r = results.get(i);
        String label = r.policy() + (sourceOf.get(i).isEmpty() ? "" : "-" + sourceOf.get(i));
        summary.append(String.format(Locale.ROOT, "%s,%d,%.6f,%d,%.6f,%.6f,%.6f,%.1f,%d%n", label,
            r.served() + r.dropped(), r.attainment(), r.violations(), r.percentileSeconds(50),
            r.percentileSeconds(99), r.percentileSeconds(99.9), r.gpuSeconds(), r.scaleUps()));
        SimResult.Timeline tl = r.timeline();
        int n = tl.buckets();
        double[] x = new double[n];
        double[] lat = new double[n];
        double[] ready = new double[n];
        double[] cap = new double[n];
        double[] rate = new double[n];
        StringBuilder csv = new StringBuilder("start_s,arrivals,completions,late,gpu_seconds,ready,provisioned,"
            + "p50_s,p99_s\n");
        for (int b = 0; b < n; b++) {
          x[b] = b * tl.bucketSeconds();
          lat[b] = Math.max(0, tl.p99Seconds()[b]);
          ready[b] = tl.ready()[b];
          cap[b] = tl.ready()[b] * capacity;
          rate[b] = tl.arrivals()[b] / tl.bucketSeconds();
          csv.append(String.format(Locale.ROOT, "%.3f,%d,%d,%d,%.3f,%d,%d,%.6f,%.6f%n", x[b], tl.arrivals()[b],
              tl.completions()[b], tl.late()[b], tl.gpuSeconds()[b], tl.ready()[b], tl.provisioned()[b],
              tl.p50Seconds()[b], tl.p99Seconds()[b]));
        }
        Files.writeString(out.resolve("timeline-" + label + ".csv"), csv);
        p99.add(label, x, lat);
        instances.add(label, x, ready);
        if (!demandDrawn) {
          demand.add("demand (arrivals/s)", x, rate);
          demandDrawn = true;
        }
        demand.add(label + " capacity", x, cap);
      }
      Files.writeString(out.resolve("summary.csv"), summary);
      Files.writeString(out.resolve("latency-p99.svg"), p99.yLimit(Math.max(10 * sloTarget, 1e-3)).render());
      Files.writeString(out.resolve("instances.svg"), instances.render());
      Files.writeString(out.resolve("capacity-vs-demand.svg"), demand.render());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write to " + out + ": " + e.getMessage(), e);
    }
  }
}
