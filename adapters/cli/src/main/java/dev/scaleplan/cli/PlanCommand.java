package dev.scaleplan.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.profiler.LatencyCurve;
import dev.scaleplan.profiler.LatencyProfile;
import dev.scaleplan.profiler.Phase;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import dev.scaleplan.solvers.ilp.CpSatPlanner;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.scaling.Cluster;
import dev.scaleplan.solvers.scaling.CostModel;
import dev.scaleplan.solvers.scaling.Deployment;
import dev.scaleplan.solvers.scaling.InstanceOption;
import dev.scaleplan.solvers.scaling.OptionCatalog;
import dev.scaleplan.solvers.scaling.PlanCheck;
import dev.scaleplan.solvers.scaling.ScalingPlan;
import dev.scaleplan.solvers.scaling.ScalingProblem;
import dev.scaleplan.solvers.scaling.TransitionPlanner;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scaleplan plan}: the minimum-cost instances for a rate under an SLO, and the way there from what runs. */
@Command(
    name = "plan",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Joint horizontal/vertical scaling plan: which instance configurations (GPU type, GPUs, batch cap) to run and "
          + "how many, at least cost, so that their capacity under the SLO covers the rate. Capacities come from "
          + "the queueing model of dynamic batching on the profile; the router splits the rate in proportion to "
          + "capacity, and each instance's predicted percentile at its share is shown.",
      "",
      "--solver dp is an exact dynamic program (the default without a cluster); --solver ilp (OR-Tools CP-SAT, the "
          + "default with --cluster) also holds the hosts' GPU counts, one host per instance, prices per GPU type and "
          + "a budget. With --current it also plans the transition from what "
          + "runs: vertical steps in place first, horizontal steps for the rest, then the move to the target once "
          + "the rate has held for the stabilisation window.",
      "",
      "With no options it plans for the embedded ResNet-50 profile (A100, A40, V100, T4; Triton TensorRT) at "
          + "10,000 requests/s under p99 <= 25 ms.",
      "",
      "Exit status: 0 for a feasible plan, 1 when no plan meets the rate and SLO (the reason is printed), "
          + "2 for bad arguments or files."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan plan",
      "  scaleplan plan --rate 50000 --slo-percentile 99 --slo-target 20ms --gpus 16",
      "  scaleplan plan --cluster docs/examples/cluster.json --solver ilp --json",
      "  scaleplan plan --cluster docs/examples/cluster.json --current docs/examples/current.json --rate 40000"
    })
final class PlanCommand implements Callable<Integer> {
  static final double DEFAULT_RATE = 10_000;
  static final double DEFAULT_SLO_SECONDS = 0.025;

  @Spec CommandSpec spec;

  @Option(names = "--profile", paramLabel = "FILE",
      description = "A profile file: scaleplan CSV or JSON, Splitwise perf_model.csv or Vidur mlp.csv.")
  Path profile;

  @Option(names = "--example", paramLabel = "NAME",
      description = "An embedded example profile: resnet50 (default), resnet50-pytorch, resnet50-clockwork.")
  String example;

  @Option(names = "--model", paramLabel = "NAME", description = "Only this model (files with several models).")
  String model;

  @Option(names = "--phase", paramLabel = "PHASE", defaultValue = "batch",
      description = "Which curve is one request's batch latency: batch (default), prefill or decode.")
  String phase;

  @Option(names = "--rate", paramLabel = "R", converter = FiniteDoubleConverter.class,
      description = "Arrival rate to serve, requests per second. Default: 10,000 for the example.")
  Double rate;

  @Option(names = "--slo-percentile", paramLabel = "P", defaultValue = "99", converter = FiniteDoubleConverter.class,
      description = "The SLO's percentile of response time. Default: ${DEFAULT-VALUE}.")
  double sloPercentile;

  @Option(names = "--slo-target", paramLabel = "X", converter = DurationConverter.class,
      description = "The SLO's bound on that percentile (250ms, 0.25s). Default: 25ms.")
  Double sloTarget;

  @Option(names = "--gpus", paramLabel = "N",
      description = "Use at most N GPUs in all (without --cluster).")
  Integer gpus;

  @Option(names = "--cluster", paramLabel = "FILE",
      description = "A cluster JSON file: hosts (name, gpuType, gpus), optional pricePerGpu and budget.")
  Path cluster;

  @Option(names = "--current", paramLabel = "FILE",
      description = "The current deployment (JSON: instances on hosts, action times); adds the transition plan.")
  Path current;

  @Option(names = "--solver", paramLabel = "dp|ilp",
      description = "dp (exact, ignores hosts) or ilp (CP-SAT, needs a cluster). Default: ilp with a cluster, else dp.")
  String solver;

  @Option(names = "--headroom", paramLabel = "H", defaultValue = "1", converter = FiniteDoubleConverter.class,
      description = "Capacity must cover rate x H. Default: ${DEFAULT-VALUE}.")
  double headroom;

  @Option(names = "--min-instances", paramLabel = "N",
      description = "Keep at least N instances (as HPA's minReplicas). Default: the current file's, else 1.")
  Integer minInstances;

  @Option(names = "--replicas", paramLabel = "LIST", split = ",", defaultValue = "1,2,4,8",
      description = "Replica counts per instance to consider (vertical sizes). Default: ${DEFAULT-VALUE}.")
  List<Integer> replicas;

  @Option(names = "--max-queue-delay", paramLabel = "T", converter = DurationConverter.class,
      description = "Hold a batch until it is full or its oldest request waited T (Triton's max_queue_delay); "
          + "capacities are then simulated, which takes longer. Default: 0, work-conserving.")
  Double maxQueueDelay;

  @Option(names = "--gpu-type", paramLabel = "TYPE", split = ",",
      description = "Only these GPU types of the profile (comma-separated).")
  List<String> gpuTypes;

  @Option(names = "--budget", paramLabel = "C", converter = FiniteDoubleConverter.class,
      description = "Largest total cost (GPUs, or price with the cluster's prices); overrides the cluster file's.")
  Double budget;

  @Option(names = "--vertical-seconds", paramLabel = "T", converter = DurationConverter.class,
      description = "Time to grow or shrink an instance in place. Default: the current file's, else 2s.")
  Double verticalSeconds;

  @Option(names = "--horizontal-seconds", paramLabel = "T", converter = DurationConverter.class,
      description = "Time for a new instance to load and serve. Default: the current file's, else 20s.")
  Double horizontalSeconds;

  @Option(names = "--load-topology", paramLabel = "NAME|FILE",
      description = "Time horizontal steps by a loading plan on this topology (h100, pcie or a topology JSON file) "
          + "instead of --horizontal-seconds: one new instance loaded from a serving one (or the object store).")
  String loadTopology;

  @Option(names = "--model-bytes", paramLabel = "N",
      description = "Parameter bytes for --load-topology (140GB, 102MB, ...). Default: the profile's, if it says.")
  String modelBytes;

  @Option(names = "--stabilisation-seconds", paramLabel = "T", converter = DurationConverter.class,
      description = "How long a lower rate must hold before scaling in. Default: the current file's, else 300s.")
  Double stabilisationSeconds;

  @Option(names = "--time-limit", paramLabel = "T", defaultValue = "10s", converter = DurationConverter.class,
      description = "ILP time limit. Default: ${DEFAULT-VALUE}.")
  double timeLimit;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "1", description = "ILP random seed.")
  int seed;

  @Option(names = "--workers", paramLabel = "N",
      description = "ILP search workers. Default: 1 (the same input gives the same plan).")
  Integer workers;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    Setup s = setup();
    long start = System.nanoTime();
    // A rate that cannot be planned for needs no capacities: the solver reports it as infeasible.
    OptionCatalog.Catalog catalog = s.rate > 0 ? OptionCatalog.build(s.profile, s.slo, s.spec)
        : new OptionCatalog.Catalog(s.slo, List.of(), List.of(), 0);
    List<InstanceOption> usable = s.cluster == null ? catalog.options() : s.cluster.holdable(catalog.options());
    ScalingProblem problem = new ScalingProblem(usable, s.rate, s.slo, headroom, s.minInstances, s.costs,
        s.budget);
    ScalingPlan plan = solve(problem, s, catalog);
    List<PlanCheck.InstanceShare> shares = plan.feasible() ? PlanCheck.shares(plan) : List.of();
    Optional<TransitionPlanner.Transition> transition = Optional.empty();
    Map<TransitionPlanner.Strategy, TransitionPlanner.Transition> baselines = new LinkedHashMap<>();
    if (s.currentFile != null) {
      for (TransitionPlanner.Strategy strategy : TransitionPlanner.Strategy.values()) {
        baselines.put(strategy, transition(s, catalog, problem, plan, strategy));
      }
      transition = Optional.of(baselines.remove(TransitionPlanner.Strategy.JOINT));
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(toJson(s, catalog, plan, shares, transition, baselines, seconds));
    } else {
      printTables(out, s, catalog, plan, shares, transition, seconds);
      transition.ifPresent(tr -> printBaselines(out, tr, baselines));
    }
    boolean ok = plan.feasible() && transition.map(TransitionPlanner.Transition::covers).orElse(true);
    return ok ? 0 : 1;
  }

  /** Parsed and checked inputs. */
  private static final class Setup {
    LatencyProfile profile;
    Slo slo;
    double rate;
    OptionCatalog.Spec spec;
    Cluster cluster;
    CostModel costs = CostModel.gpus();
    OptionalDouble budget = OptionalDouble.empty();
    PlanFiles.CurrentFile currentFile;
    boolean ilp;
    int minInstances;
    IlpOptions ilpOptions;
    Double loadSeconds;
  }

  private Setup setup() {
    Setup s = new Setup();
    if (profile != null && example != null) {
      throw new IllegalArgumentException("Give --profile FILE or --example NAME, not both.");
    }
    ProfileCommand.Source source = new ProfileCommand.Source();
    source.file = profile;
    source.example = example;
    source.model = model;
    List<LatencyProfile> profiles = source.load();
    if (profiles.size() > 1) {
      throw new IllegalArgumentException("The profile file holds " + profiles.size() + " models; choose one with "
          + "--model (" + profiles.stream().map(LatencyProfile::model).toList() + ").");
    }
    s.profile = profiles.get(0);
    s.slo = Slo.of(sloPercentile, sloTarget == null ? DEFAULT_SLO_SECONDS : sloTarget);
    if (rate == null && (profile != null || example != null)) {
      throw new IllegalArgumentException("Give --rate R (requests/s) for a profile other than the built-in example.");
    }
    s.rate = rate == null ? DEFAULT_RATE : rate;
    Phase p = Phase.of(phase);
    Set<String> types = gpuTypes == null ? Set.of() : new LinkedHashSet<>(gpuTypes);
    for (int r : replicas) {
      if (r < 1 || r > 1024) {
        throw new IllegalArgumentException("A --replicas count (" + r + ") must be in 1..1024.");
      }
    }
    s.spec = OptionCatalog.Spec.defaults().withReplicas(replicas).withGpuTypes(types);
    dev.scaleplan.api.DispatchRule dispatch = maxQueueDelay == null ? dev.scaleplan.api.DispatchRule.workConserving()
        : dev.scaleplan.api.DispatchRule.maxQueueDelay(maxQueueDelay);
    s.spec = new OptionCatalog.Spec(p, s.spec.replicas(), s.spec.batches(), dispatch, s.spec.gpuTypes(),
        s.spec.statistic());
    if (!(headroom >= 1)) {
      throw new IllegalArgumentException("The --headroom (" + headroom + ") must be at least 1.");
    }
    if (minInstances != null && minInstances < 0) {
      throw new IllegalArgumentException("The --min-instances (" + minInstances + ") must be at least 0.");
    }
    if (cluster != null) {
      PlanFiles.ClusterFile f = PlanFiles.readCluster(cluster);
      s.cluster = f.cluster();
      s.costs = CostModel.prices(f.prices());
      s.budget = f.budget();
    }
    if (current != null) {
      s.currentFile = PlanFiles.readCurrent(current);
      if (s.cluster == null) {
        s.cluster = s.currentFile.cluster().orElseThrow(() -> new IllegalArgumentException(
            "The current deployment needs hosts: give --cluster FILE or a \"hosts\" array in " + current + "."));
      } else if (s.currentFile.cluster().isPresent()) {
        throw new IllegalArgumentException("Hosts are given twice: in --cluster and in " + current + "; keep one.");
      }
    }
    if (gpus != null) {
      if (gpus < 1) {
        throw new IllegalArgumentException("The --gpus (" + gpus + ") must be at least 1.");
      }
      if (s.cluster != null) {
        throw new IllegalArgumentException("Give --gpus N or a cluster (--cluster, or hosts in --current), not both.");
      }
      s.budget = OptionalDouble.of(gpus);
    }
    if (budget != null) {
      if (!(budget >= 0)) {
        throw new IllegalArgumentException("The --budget (" + budget + ") must be at least 0.");
      }
      if (gpus != null) {
        throw new IllegalArgumentException("Give --gpus N or --budget C, not both.");
      }
      s.budget = OptionalDouble.of(budget);
    }
    if (s.cluster != null) {
      // Only the GPU types the cluster has (and, with --gpu-type, only those of them).
      Set<String> have = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      have.addAll(s.cluster.gpusByType().keySet());
      Set<String> keep = new java.util.TreeSet<>(String.CASE_INSENSITIVE_ORDER);
      for (String t : have) {
        if (types.isEmpty() || types.stream().anyMatch(t::equalsIgnoreCase)) {
          keep.add(t);
        }
      }
      if (keep.isEmpty()) {
        throw new IllegalArgumentException("The cluster has GPU types " + have + ", none of " + types + ".");
      }
      s.spec = s.spec.withGpuTypes(keep);
    }
    s.minInstances = minInstances != null ? minInstances
        : s.currentFile != null && s.currentFile.minInstances().isPresent() ? s.currentFile.minInstances().get() : 1;
    String chosen = solver != null ? solver : s.cluster != null ? "ilp" : "dp";
    switch (chosen) {
      case "dp" -> s.ilp = false;
      case "ilp" -> s.ilp = true;
      default -> throw new IllegalArgumentException("The --solver (" + solver + ") must be dp or ilp.");
    }
    if (s.ilp && s.cluster == null) {
      throw new IllegalArgumentException("--solver ilp places instances on hosts: give --cluster FILE.");
    }
    if (workers != null && workers < 1) {
      throw new IllegalArgumentException("The --workers (" + workers + ") must be at least 1.");
    }
    s.ilpOptions = new IlpOptions(timeLimit, seed, workers == null ? IlpOptions.defaults().workers() : workers);
    if (loadTopology != null) {
      if (horizontalSeconds != null) {
        throw new IllegalArgumentException("Give --load-topology or --horizontal-seconds, not both.");
      }
      s.loadSeconds = loadSeconds(s);
    } else if (modelBytes != null) {
      throw new IllegalArgumentException("--model-bytes times loads on --load-topology; give that too.");
    }
    return s;
  }

  /** The multicast load time of one new instance on {@code --load-topology}. */
  private double loadSeconds(Setup s) {
    String name = loadTopology.trim().toLowerCase(java.util.Locale.ROOT);
    dev.scaleplan.solvers.loading.Topology topo = name.equals("h100") || name.equals("pcie")
        ? dev.scaleplan.solvers.loading.Topology.example(name, 8)
        : dev.scaleplan.solvers.loading.TopologyJson.read(Path.of(loadTopology));
    long bytes;
    if (modelBytes != null) {
      bytes = LoadCommand.bytes(modelBytes, "--model-bytes");
    } else if (s.profile.facts().parameterBytes().isPresent()) {
      bytes = s.profile.facts().parameterBytes().getAsLong();
    } else {
      throw new IllegalArgumentException("The profile of " + s.profile.model() + " does not give its parameter bytes;"
          + " add --model-bytes N for --load-topology.");
    }
    int k = s.profile.curves().keySet().stream().mapToInt(dev.scaleplan.profiler.ProfileKey::parallelDegree).max()
        .orElse(1);
    int biggest = topo.hosts().size() < 2 ? k
        : Math.min(topo.hosts().get(0).gpus(), topo.hosts().get(1).gpus()); // the serving and the new host
    if (k > biggest) {
      throw new IllegalArgumentException("An instance of " + k + " GPUs does not fit a host of " + topo.name()
          + " (" + biggest + " GPUs).");
    }
    boolean serving = s.currentFile != null && !s.currentFile.instances().isEmpty();
    return dev.scaleplan.solvers.loading.LoadPlanner.newInstanceSeconds(topo,
        dev.scaleplan.solvers.loading.LoadRequest.uniformLayers(bytes, Math.max(1, Math.min(80, (int) Math.min(bytes,
            80)))), k, serving);
  }

  private ScalingPlan solve(ScalingProblem problem, Setup s, OptionCatalog.Catalog catalog) {
    if (!(s.rate > 0)) {
      return dev.scaleplan.solvers.scaling.TargetDp.solve(problem); // infeasible, with the rate as the reason
    }
    if (catalog.options().isEmpty()) {
      return ScalingPlan.infeasible(problem, ScalingPlan.Status.INFEASIBLE, catalog.whyEmpty(),
          s.ilp ? CpSatPlanner.NAME : "dp", 0);
    }
    if (s.ilp) {
      return CpSatPlanner.solve(problem, s.cluster, s.ilpOptions);
    }
    return dev.scaleplan.solvers.scaling.TargetDp.solve(problem);
  }

  private TransitionPlanner.Transition transition(Setup s, OptionCatalog.Catalog catalog, ScalingProblem problem,
      ScalingPlan plan, TransitionPlanner.Strategy strategy) {
    PlanFiles.CurrentFile f = s.currentFile;
    List<InstanceOption> options = new ArrayList<>(catalog.options());
    List<Deployment.Running> running = new ArrayList<>();
    for (PlanFiles.InstanceSpec i : f.instances()) {
      InstanceOption found = null;
      for (InstanceOption o : options) {
        if (o.gpuType().equalsIgnoreCase(i.gpuType()) && o.parallelDegree() == i.parallelDegree()
            && o.replicas() == i.replicas() && o.maxBatch() == i.maxBatch()) {
          found = o;
        }
      }
      if (found == null) {
        // A configuration the catalog did not choose: its own capacity, and its family's sizes for growth.
        LatencyCurve curve = s.profile.require(i.gpuType(), i.parallelDegree(), s.spec.phase());
        InstanceConfig one = new InstanceConfig(1, i.maxBatch(), curve.toBatchLatency(s.spec.statistic()),
            s.spec.dispatch());
        CapacityResult c = Capacity.of(one, s.slo);
        if (!c.feasible() || c.maxRatePerSecond() <= 0) {
          throw new IllegalArgumentException("The running instance " + i.id() + " (" + i.gpuType() + " B"
              + i.maxBatch() + ") cannot meet the SLO " + s.slo + " at any rate: " + c.reason());
        }
        Set<Integer> sizes = new LinkedHashSet<>(s.spec.replicas());
        sizes.add(i.replicas());
        for (int r : sizes) {
          InstanceOption o = new InstanceOption(i.gpuType(), i.parallelDegree(),
              new InstanceConfig(r, i.maxBatch(), one.latency(), one.dispatch()), r * c.maxRatePerSecond(),
              c.method());
          options.add(o);
          if (r == i.replicas()) {
            found = o;
          }
        }
      }
      running.add(new Deployment.Running(i.id(), i.host(), found));
    }
    Deployment deployment;
    try {
      deployment = new Deployment(s.cluster, running);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(current + ": " + e.getMessage(), e);
    }
    TransitionPlanner.Timing d = TransitionPlanner.Timing.defaults();
    TransitionPlanner.Timing timing = new TransitionPlanner.Timing(
        verticalSeconds != null ? verticalSeconds : f.verticalSeconds().orElse(d.verticalSeconds()),
        s.loadSeconds != null ? s.loadSeconds
            : horizontalSeconds != null ? horizontalSeconds : f.horizontalSeconds().orElse(d.horizontalSeconds()),
        stabilisationSeconds != null ? stabilisationSeconds
            : f.stabilisationSeconds().orElse(d.stabilisationSeconds()),
        Math.max(1, s.minInstances));
    ScalingProblem withFamilies = new ScalingProblem(options, problem.ratePerSecond(), problem.slo(),
        problem.headroom(), problem.minInstances(), problem.costs(), problem.budget());
    // The running instances' own sizes serve the surge's growth only; the target uses the configurations planned
    // above (so --gpu-type and --replicas hold for it), and is that plan whenever the problem is the same.
    java.util.function.Function<ScalingProblem, ScalingPlan> target = p -> {
      ScalingProblem q = new ScalingProblem(problem.options(), p.ratePerSecond(), p.slo(), p.headroom(),
          p.minInstances(), p.costs(), p.budget());
      if (q.equals(plan.problem())) {
        return plan;
      }
      return s.ilp ? CpSatPlanner.solve(q, s.cluster, s.ilpOptions) : dev.scaleplan.solvers.scaling.TargetDp.solve(q);
    };
    return TransitionPlanner.plan(deployment, withFamilies, timing, strategy, target);
  }

  // ---- output -------------------------------------------------------------------------------------------------

  private void printTables(PrintWriter out, Setup s, OptionCatalog.Catalog catalog, ScalingPlan plan,
      List<PlanCheck.InstanceShare> shares, Optional<TransitionPlanner.Transition> transition, double seconds) {
    ScalingProblem p = plan.problem();
    out.println("plan for " + s.profile.model() + " at " + Text.number(s.rate) + " requests/s"
        + (p.headroom() > 1 ? " x " + Text.number(p.headroom()) + " headroom" : "") + ", SLO p"
        + Text.number(s.slo.percentile()) + " <= " + Text.seconds(s.slo.targetSeconds()) + "; solver "
        + plan.solver() + ": " + plan.status().label());
    if (!plan.feasible()) {
      out.println("no plan: " + plan.reason());
    } else {
      Text.Table t = new Text.Table("configuration", "count", "GPUs", "hosts", "capacity/inst", "share/inst",
          "weight", "p" + Text.number(s.slo.percentile()) + " at share", "SLO");
      // One row per configuration; the ILP's per-host groups are listed by host.
      Map<InstanceOption, List<PlanCheck.InstanceShare>> byOption = new LinkedHashMap<>();
      shares.forEach(sh -> byOption.computeIfAbsent(sh.group().option(), k -> new ArrayList<>()).add(sh));
      for (List<PlanCheck.InstanceShare> rows : byOption.values()) {
        PlanCheck.InstanceShare sh = rows.get(0);
        InstanceOption o = sh.group().option();
        int count = rows.stream().mapToInt(r -> r.group().count()).sum();
        List<String> hosts = rows.stream().map(r -> r.group().host()).filter(h -> !h.isEmpty()).toList();
        t.row(o.label(), Integer.toString(count), Integer.toString(o.gpus() * count), hostList(hosts),
            rate1(o.capacityPerSecond()), rate1(sh.sharePerSecond()),
            String.format(java.util.Locale.ROOT, "%.4f", sh.routerWeight()),
            Text.seconds(sh.predicted().value()) + " (" + sh.predicted().method().label() + ")",
            sh.meetsSlo() ? "met" : "MISSED");
      }
      t.print(out);
      if (s.cluster != null && !s.ilp) {
        Map<String, Integer> need = new java.util.TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        plan.groups().forEach(g -> need.merge(g.option().gpuType(), g.count() * g.option().gpus(), Integer::sum));
        need.forEach((type, n) -> {
          int have = s.cluster.gpusByType().getOrDefault(type, 0);
          if (n > have) {
            out.println("warning: the plan needs " + n + " " + type + " GPUs and the cluster has " + have
                + "; the DP ignores hosts, --solver ilp does not");
          }
        });
      }
      out.println("total cost " + Text.number(plan.totalCost()) + " " + p.costs().unit() + " (" + plan.totalGpus()
          + " GPUs, " + plan.instanceCount() + (plan.instanceCount() == 1 ? " instance" : " instances")
          + "); capacity " + rate1(plan.totalCapacityPerSecond()) + " requests/s, " + String.format(java.util.Locale.ROOT, "%.3f",
              plan.totalCapacityPerSecond() / s.rate) + "x the rate"
          + (plan.status() == ScalingPlan.Status.FEASIBLE ? "; gap to bound " + Text.number(plan.gap()) : ""));
    }
    out.println(catalog.options().size() + " configurations considered, " + catalog.rejected().size()
        + " rejected; solve " + Text.seconds(plan.solveNanos() / 1e9) + ", capacities "
        + Text.seconds(catalog.buildNanos() / 1e9) + ", all " + Text.seconds(seconds));
    transition.ifPresent(tr -> printTransition(out, tr));
  }

  private static void printBaselines(PrintWriter out, TransitionPlanner.Transition joint,
      Map<TransitionPlanner.Strategy, TransitionPlanner.Transition> baselines) {
    if (joint.surge().actions().isEmpty()) {
      return;
    }
    out.println();
    out.println("the same surge with one dimension only (Themis's baselines)");
    Text.Table t = new Text.Table("strategy", "rate covered at", "requests above capacity", "vs joint",
        "short after all actions");
    Map<TransitionPlanner.Strategy, TransitionPlanner.Transition> all = new LinkedHashMap<>();
    all.put(TransitionPlanner.Strategy.JOINT, joint);
    all.putAll(baselines);
    double base = joint.surge().excessRequests();
    all.forEach((strategy, tr) -> {
      TransitionPlanner.Stage st = tr.surge();
      boolean never = st.shortfallPerSecond() > 0;
      t.row(strategy.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
          never ? "never" : Text.seconds(st.coveredAtSeconds()),
          never ? "unbounded" : Text.number(Math.round(st.excessRequests())),
          never ? "-" : base > 0 ? String.format(java.util.Locale.ROOT, "%.2fx", st.excessRequests() / base) : "-",
          never ? rate1(st.shortfallPerSecond()) + " req/s" : "0");
    });
    t.print(out);
  }

  private static void printTransition(PrintWriter out, TransitionPlanner.Transition tr) {
    out.println();
    out.println("transition to " + Text.number(tr.ratePerSecond()) + " requests/s (surge: vertical steps first; "
        + "in place " + Text.seconds(tr.timing().verticalSeconds()) + ", new instances "
        + Text.seconds(tr.timing().horizontalSeconds()) + ")");
    printStage(out, tr.surge(), tr.ratePerSecond());
    tr.consolidation().ifPresent(c -> {
      out.println();
      out.println("once the rate holds: move to the minimum-cost target (" + Text.number(tr.target().totalCost())
          + " " + tr.target().problem().costs().unit() + ")");
      printStage(out, c, tr.ratePerSecond());
    });
    for (String n : tr.notes()) {
      out.println("note: " + n);
    }
  }

  private static void printStage(PrintWriter out, TransitionPlanner.Stage st, double rate) {
    if (st.actions().isEmpty()) {
      out.println("no action needed: capacity " + rate1(st.result().capacityPerSecond())
          + " requests/s");
      return;
    }
    Text.Table t = new Text.Table("start", "ready", "action", "instance", "host", "from", "to", "capacity after");
    for (TransitionPlanner.Action a : st.actions()) {
      t.row(Text.seconds(a.startSeconds()), Text.seconds(a.readySeconds()), a.kind().label(), a.instance(), a.host(),
          a.from().map(InstanceOption::label).orElse("-"), a.to().map(InstanceOption::label).orElse("-"),
          rate1(a.capacityAfterPerSecond()));
    }
    t.print(out);
    out.println((st.excessRequests() == 0 && st.coveredAtSeconds() == st.actions().get(0).startSeconds()
        ? "capacity stays above the rate throughout"
        : "rate covered at " + Text.seconds(st.coveredAtSeconds()) + "; requests above capacity meanwhile "
            + Text.number(Math.round(st.excessRequests())))
        + (st.shortfallPerSecond() > 0 ? "; still short by " + rate1(st.shortfallPerSecond())
            + " requests/s after every action" : ""));
  }

  private String toJson(Setup s, OptionCatalog.Catalog catalog, ScalingPlan plan,
      List<PlanCheck.InstanceShare> shares, Optional<TransitionPlanner.Transition> transition,
      Map<TransitionPlanner.Strategy, TransitionPlanner.Transition> baselines, double seconds) {
    Map<String, Object> o = new LinkedHashMap<>();
    o.put("model", s.profile.model());
    o.put("rate", s.rate);
    o.put("slo", Map.of("percentile", s.slo.percentile(), "targetSeconds", s.slo.targetSeconds()));
    o.put("headroom", plan.problem().headroom());
    o.put("solver", plan.solver());
    o.put("status", plan.status().label());
    o.put("feasible", plan.feasible());
    o.put("reason", plan.reason());
    o.put("totalCost", plan.feasible() ? plan.totalCost() : null);
    o.put("costUnit", plan.problem().costs().unit());
    o.put("totalGpus", plan.totalGpus());
    o.put("totalCapacity", plan.totalCapacityPerSecond());
    o.put("gap", Text.jsonNumber(plan.gap()));
    List<Map<String, Object>> instances = new ArrayList<>();
    for (PlanCheck.InstanceShare sh : shares) {
      Map<String, Object> i = option(sh.group().option());
      i.put("count", sh.group().count());
      i.put("host", sh.group().host().isEmpty() ? null : sh.group().host());
      i.put("routerWeight", sh.routerWeight());
      i.put("share", sh.sharePerSecond());
      i.put("predictedSeconds", Text.jsonNumber(sh.predicted().value()));
      i.put("predictedMethod", sh.predicted().method().label());
      i.put("meetsSlo", sh.meetsSlo());
      instances.add(i);
    }
    o.put("instances", instances);
    o.put("configurations", catalog.options().stream().map(PlanCommand::option).toList());
    o.put("rejected", catalog.rejected().stream()
        .map(r -> Map.of("configuration", r.configuration(), "reason", r.reason())).toList());
    o.put("solveSeconds", plan.solveNanos() / 1e9);
    o.put("capacitySeconds", catalog.buildNanos() / 1e9);
    o.put("totalSeconds", seconds);
    transition.ifPresent(tr -> {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("covers", tr.covers());
      t.put("surge", stage(tr.surge()));
      t.put("targetCost", tr.target().feasible() ? tr.target().totalCost() : null);
      t.put("consolidation", tr.consolidation().map(PlanCommand::stage).orElse(null));
      t.put("notes", tr.notes());
      Map<String, Object> b = new LinkedHashMap<>();
      baselines.forEach((strategy, other) -> b.put(strategy == TransitionPlanner.Strategy.HORIZONTAL_ONLY
          ? "horizontalOnly" : "verticalOnly", stage(other.surge())));
      t.put("baselines", b);
      o.put("transition", t);
    });
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(o);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> stage(TransitionPlanner.Stage st) {
    Map<String, Object> m = new LinkedHashMap<>();
    List<Map<String, Object>> actions = new ArrayList<>();
    for (TransitionPlanner.Action a : st.actions()) {
      Map<String, Object> x = new LinkedHashMap<>();
      x.put("kind", a.kind().label());
      x.put("instance", a.instance());
      x.put("host", a.host());
      x.put("from", a.from().map(InstanceOption::label).orElse(null));
      x.put("to", a.to().map(InstanceOption::label).orElse(null));
      x.put("startSeconds", a.startSeconds());
      x.put("readySeconds", a.readySeconds());
      x.put("capacityAfter", a.capacityAfterPerSecond());
      actions.add(x);
    }
    m.put("actions", actions);
    m.put("coveredAtSeconds", Text.jsonNumber(st.coveredAtSeconds()));
    m.put("excessRequests", st.excessRequests());
    m.put("shortfall", st.shortfallPerSecond());
    m.put("capacityAfter", st.result().capacityPerSecond());
    return m;
  }

  private static Map<String, Object> option(InstanceOption o) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("configuration", o.label());
    m.put("gpuType", o.gpuType());
    m.put("parallelDegree", o.parallelDegree());
    m.put("replicas", o.replicas());
    m.put("maxBatch", o.maxBatch());
    m.put("gpus", o.gpus());
    m.put("capacity", o.capacityPerSecond());
    m.put("capacityMethod", o.capacityMethod().label());
    return m;
  }

  private static String hostList(List<String> hosts) {
    if (hosts.isEmpty()) {
      return "-";
    }
    return hosts.size() <= 3 ? String.join(",", hosts)
        : hosts.get(0) + ",...," + hosts.get(hosts.size() - 1) + " (" + hosts.size() + " hosts)";
  }

  private static String rate1(double x) {
    return String.format(java.util.Locale.ROOT, "%,.1f", x);
  }

  private static double round1(double x) {
    return Math.round(x * 10) / 10.0;
  }
}
