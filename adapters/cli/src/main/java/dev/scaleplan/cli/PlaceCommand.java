package dev.scaleplan.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.scaleplan.solvers.ilp.IlpOptions;
import dev.scaleplan.solvers.ilp.PlacementIlp;
import dev.scaleplan.solvers.placement.Candidates;
import dev.scaleplan.solvers.placement.ExampleModels;
import dev.scaleplan.solvers.placement.GpuGroup;
import dev.scaleplan.solvers.placement.GreedyPlacer;
import dev.scaleplan.solvers.placement.ModelDemand;
import dev.scaleplan.solvers.placement.Placement;
import dev.scaleplan.solvers.placement.PlacementCheck;
import dev.scaleplan.solvers.placement.PlacementProblem;
import dev.scaleplan.solvers.swapping.ModelPlan;
import dev.scaleplan.solvers.swapping.SwapPlan;
import dev.scaleplan.solvers.swapping.SwapTier;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code scaleplan place}: many models on GPU groups, with shared GPUs, by the heuristic or the ILP. */
@Command(
    name = "place",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    usageHelpAutoWidth = true,
    description = {
      "Places many models on GPU groups with the fewest GPUs such that every model meets its SLO and memory fits: "
          + "each model gets whole GPUs for most of its traffic (work-conserving batching, capacity from the "
          + "queueing model) and, for the rest, a slot on a GPU shared with other models by a duty cycle (Nexus's "
          + "squishy bin packing; the slot's latency is the exact slot-queue figure). The heuristic is Nexus's "
          + "greedy packing; the ILP (CP-SAT) searches the same space exactly and starts from the heuristic.",
      "",
      "With no options it places 100 copies of the embedded ResNet-50 profile at Zipf-skewed rates (20,000 "
          + "requests/s in all; p99 SLOs of 25, 50 and 100 ms) on 64 A100-80GB, 64 T4 and 32 V100-32GB GPUs.",
      "",
      "Exit status: 0 when every model is placed within its SLO, 1 when no placement was found (infeasible, or "
          + "not found in time), 2 on bad input."
    },
    footer = {
      "",
      "Examples:",
      "  scaleplan place",
      "  scaleplan place --example zipf --count 50 --total-rate 5000 --solver ilp --json",
      "  scaleplan place --models docs/examples/models.json --cluster docs/examples/cluster.json",
      "  scaleplan place --total-rate 200 --cluster docs/examples/t4-cluster.json --swap-group t4 --interference 1.2"
    })
final class PlaceCommand implements Callable<Integer> {
  enum Solver { greedy, ilp }

  @Spec CommandSpec spec;

  @Option(names = "--models", paramLabel = "FILE", description = "A models file (JSON; see the README).")
  Path models;

  @Option(names = "--example", paramLabel = "NAME",
      description = "An embedded set of models: zipf (default): copies of the ResNet-50 profile at Zipf rates.")
  String example;

  @Option(names = "--count", paramLabel = "N", defaultValue = "100",
      description = "Models in the zipf example. Default: ${DEFAULT-VALUE}.")
  int count;

  @Option(names = "--total-rate", paramLabel = "R", defaultValue = "20000", converter = FiniteDoubleConverter.class,
      description = "Requests/s of all the zipf example's models together. Default: ${DEFAULT-VALUE}.")
  double totalRate;

  @Option(names = "--cluster", paramLabel = "FILE",
      description = "GPU groups (JSON: groups of name, gpuType, gpus, memory; or a plan cluster file's hosts, "
          + "grouped by GPU type). Default: the example's 64 A100-80GB, 64 T4, 32 V100-32GB.")
  Path cluster;

  @Option(names = "--solver", paramLabel = "NAME", defaultValue = "greedy",
      description = "greedy (Nexus's squishy bin packing; default) or ilp (CP-SAT, exact within the time limit).")
  Solver solver;

  @Option(names = "--no-sharing", description = "Whole GPUs only: no model shares a GPU.")
  boolean noSharing;

  @Option(names = "--time-limit", paramLabel = "SECONDS", defaultValue = "10",
      converter = FiniteDoubleConverter.class, description = "The ILP's time limit. Default: ${DEFAULT-VALUE} s.")
  double timeLimit;

  @Option(names = "--swap-group", paramLabel = "NAME",
      description = "Also plan a swapping tier (FaaSwap) on this group's GPUs: the coldest models leave the placement "
          + "and are served first come first served on a node that keeps some resident and swaps the others in from "
          + "host memory with pipelined loading; prints the fewest GPUs in all and the split.")
  String swapGroup;

  @Option(names = "--host-to-gpu", paramLabel = "GB/S", defaultValue = "12.2", converter = FiniteDoubleConverter.class,
      description = "The swapping tier's host-to-GPU bandwidth per GPU, in GB/s. Default: ${DEFAULT-VALUE} (PCIe 3 "
          + "x16 as Clockwork measured it: 102.3 MB in 8.372 ms).")
  double hostToGpu;

  @Option(names = "--interference", paramLabel = "F", defaultValue = "1.0", converter = FiniteDoubleConverter.class,
      description = "The swapping tier's execution slowdown on a GPU that runs resident and swapped models, at least "
          + "1; measure it on your hardware. Default: ${DEFAULT-VALUE} (none).")
  double interference;

  @Option(names = "--layers", paramLabel = "L", defaultValue = "50",
      description = "Layers per model for the pipelined swap-in (equal layers). Default: ${DEFAULT-VALUE}.")
  int layers;

  @Option(names = "--json", description = "Print one JSON object instead of tables.")
  boolean json;

  @Override
  public Integer call() {
    if (models != null && example != null) {
      throw new IllegalArgumentException("Give --models FILE or --example NAME, not both.");
    }
    if (example != null && !example.equalsIgnoreCase("zipf")) {
      throw new IllegalArgumentException("There is no example set of models '" + example + "'; the examples are "
          + "[zipf].");
    }
    if (count < 1 || count > 10_000) {
      throw new IllegalArgumentException("The --count (" + count + ") must be between 1 and 10,000.");
    }
    if (!(totalRate > 0)) {
      throw new IllegalArgumentException("The --total-rate (" + totalRate + ") must be above 0.");
    }
    if (swapGroup != null) {
      // In GB/s here, so the message names what was typed; B/s (times 1e9) must stay finite too.
      if (!(hostToGpu > 0) || !Double.isFinite(hostToGpu * 1e9)) {
        throw new IllegalArgumentException("The --host-to-gpu bandwidth (" + hostToGpu + " GB/s) must be a finite "
            + "number above 0 and at most " + Double.MAX_VALUE / 1e9 + ", such as 12.2.");
      }
      if (layers < 1 || layers > 100_000) {
        throw new IllegalArgumentException("The --layers (" + layers + ") must be between 1 and 100,000.");
      }
    }
    List<ModelDemand> demands = models != null ? PlaceFiles.readModels(models)
        : ExampleModels.zipf(count, totalRate);
    List<GpuGroup> groups = cluster != null ? PlaceFiles.readGroups(cluster) : ExampleModels.groups();
    PlacementProblem problem = new PlacementProblem(demands, groups, PlacementProblem.DEFAULT_CYCLES, !noSharing);
    long start = System.nanoTime();
    Candidates candidates = Candidates.of(problem);
    double candidateSeconds = (System.nanoTime() - start) / 1e9;
    Placement greedy = GreedyPlacer.place(candidates);
    Placement chosen = solver == Solver.ilp
        ? PlacementIlp.solve(candidates, new IlpOptions(timeLimit, 1, 1)) : greedy;
    Placement dedicated = noSharing ? chosen : GreedyPlacer.place(Candidates.of(problem.withSharing(false)));
    List<PlacementCheck.Prediction> predictions = PlacementCheck.predict(problem, chosen);
    boolean allMeet = chosen.status().placed() && predictions.stream().allMatch(PlacementCheck.Prediction::meets);
    SwapTier.Result tier = null;
    if (swapGroup != null) {
      tier = SwapTier.plan(problem, new SwapTier.Options(swapGroup, hostToGpu * 1e9, interference, layers));
    }
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(json(problem, chosen, greedy, dedicated, predictions, candidateSeconds, allMeet, tier));
    } else {
      print(out, problem, chosen, greedy, dedicated, predictions, candidateSeconds);
      if (tier != null) {
        printTier(out, tier);
      }
    }
    out.flush();
    return allMeet ? 0 : 1;
  }

  private void print(PrintWriter out, PlacementProblem problem, Placement p, Placement greedy, Placement dedicated,
      List<PlacementCheck.Prediction> predictions, double candidateSeconds) {
    out.printf(Locale.ROOT, "Placing %d models on %s%n", problem.models().size(), groupsText(problem));
    if (!p.status().placed()) {
      out.println("No placement (" + p.status().name().toLowerCase(Locale.ROOT) + "): " + p.reason());
      return;
    }
    Text.Table t = new Text.Table("model", "rate/s", "group", "dedicated GPUs", "batch", "shared GPU", "slot batch",
        "SLO", "predicted", "ok");
    for (int i = 0; i < problem.models().size(); i++) {
      ModelDemand m = problem.models().get(i);
      Placement.Assignment a = p.models().get(i);
      PlacementCheck.Prediction pr = predictions.get(i);
      String shared = "-";
      String slot = "-";
      if (a.sharedGpu() >= 0) {
        Placement.SharedGpu s = p.sharedGpus().get(a.sharedGpu());
        shared = "#" + a.sharedGpu() + " (" + Text.seconds(s.cycleSeconds()) + " cycle)";
        slot = Integer.toString(s.slots().stream().filter(x -> x.model().equals(m.name())).findFirst()
            .orElseThrow().batch());
      }
      t.row(m.name(), Text.number(m.ratePerSecond()), a.group().isEmpty() ? "(idle)" : a.group(),
          Integer.toString(a.dedicatedGpus()), a.dedicatedGpus() > 0 ? Integer.toString(a.dedicatedBatch()) : "-",
          shared, slot, m.slo().toString(), Text.seconds(pr.predictedSeconds()), pr.meets() ? "yes" : "NO");
    }
    t.print(out);
    out.println();
    out.printf(Locale.ROOT, "GPUs used: %d (%s, %s; lower bound %d) of %d; %d shared by %d models%n", p.gpusUsed(),
        p.solver(), p.status().name().toLowerCase(Locale.ROOT), p.lowerBound(), problem.totalGpus(),
        p.sharedGpus().size(), p.sharedGpus().stream().mapToInt(s -> s.slots().size()).sum());
    if (p != greedy && greedy.status().placed()) {
      out.printf(Locale.ROOT, "The heuristic alone: %d GPUs (%s over the ILP)%n", greedy.gpusUsed(),
          percent((double) (greedy.gpusUsed() - p.gpusUsed()) / p.gpusUsed()));
    }
    if (problem.sharing()) {
      out.println("Whole GPUs only (no sharing): " + (dedicated.status().placed()
          ? dedicated.gpusUsed() + " GPUs" : "no placement (" + dedicated.reason() + ")"));
    }
    if (!p.reason().isEmpty()) {
      out.println(p.reason());
    }
    out.printf(Locale.ROOT, "Times: candidates (queueing figures) %s, solver %s%n", Text.seconds(candidateSeconds),
        Text.seconds(p.solveSeconds()));
  }

  private void printTier(PrintWriter out, SwapTier.Result r) {
    out.println();
    if (!r.feasible()) {
      out.println("Swapping tier on " + r.group() + ": no split of the models serves every one within its SLO.");
      return;
    }
    if (r.swappedModels() == 0) {
      out.println("Swapping tier on " + r.group() + ": it saves nothing here; the placement alone is best ("
          + r.totalGpus() + " GPUs, heuristic).");
      return;
    }
    SwapPlan plan = r.swapPlan();
    out.printf(Locale.ROOT, "With a swapping tier on %s (FaaSwap; %s GB/s host-to-GPU, interference %s): %d GPUs in "
            + "all, against %s with the placement alone (heuristic)%n", r.group(), Text.number(hostToGpu),
        Text.number(interference), r.totalGpus(), r.placementOnlyGpus() >= 0 ? r.placementOnlyGpus() : "none");
    long placed = r.placement() == null ? 0 : r.placement().gpusUsed();
    String rest = problem(r) == 0 ? "" : String.format(Locale.ROOT, ", the other %d placed on %d GPU%s", problem(r),
        placed, placed == 1 ? "" : "s");
    out.printf(Locale.ROOT, "  the %d %s on %d GPU%s (%d resident, %d swapped in on demand)%s%n", r.swappedModels(),
        problem(r) == 0 ? "models, all of them," : "coldest models", r.tierGpus(), r.tierGpus() == 1 ? "" : "s",
        plan.count(ModelPlan.Mode.RESIDENT), plan.count(ModelPlan.Mode.SWAPPED), rest);
    Text.Table t = new Text.Table("tier model", "rate/s", "GPU", "mode", "swap-in", "hit", "SLO", "predicted", "ok");
    for (int i = 0; i < plan.models().size(); i++) {
      ModelPlan m = plan.models().get(i);
      t.row(m.name(), Text.number(r.tierModels().get(i).ratePerSecond()), Integer.toString(m.gpu()),
          m.mode().name().toLowerCase(Locale.ROOT), Text.seconds(m.swapInSeconds()),
          m.mode() == ModelPlan.Mode.SWAPPED ? Text.number(m.hitProbability()) : "-", m.slo().toString(),
          Text.seconds(m.predictedSeconds()), m.meetsSlo() ? "yes" : "NO");
    }
    t.print(out);
  }

  private static int problem(SwapTier.Result r) {
    return r.placementProblem() == null ? 0 : r.placementProblem().models().size();
  }

  private static String json(PlacementProblem problem, Placement p, Placement greedy, Placement dedicated,
      List<PlacementCheck.Prediction> predictions, double candidateSeconds, boolean allMeet, SwapTier.Result tier) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("feasible", allMeet);
    root.put("gpusUsed", p.status().placed() ? p.gpusUsed() : null);
    root.put("status", p.status().name().toLowerCase(Locale.ROOT));
    root.put("solver", p.solver());
    root.put("lowerBound", p.lowerBound());
    root.put("totalGpus", problem.totalGpus());
    root.put("greedyGpus", greedy.status().placed() ? greedy.gpusUsed() : null);
    root.put("dedicatedOnlyGpus", dedicated.status().placed() ? dedicated.gpusUsed() : null);
    root.put("reason", p.reason());
    List<Map<String, Object>> models = new ArrayList<>();
    for (int i = 0; i < p.models().size(); i++) {
      Placement.Assignment a = p.models().get(i);
      PlacementCheck.Prediction pr = predictions.get(i);
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", a.model());
      m.put("ratePerSecond", problem.models().get(i).ratePerSecond());
      m.put("group", a.group().isEmpty() ? null : a.group());
      m.put("dedicatedGpus", a.dedicatedGpus());
      m.put("dedicatedBatch", a.dedicatedBatch());
      m.put("ratePerDedicatedGpu", a.ratePerDedicatedGpu());
      m.put("sharedGpu", a.sharedGpu() >= 0 ? a.sharedGpu() : null);
      m.put("sharedRate", a.sharedRate());
      m.put("sloPercentile", pr.slo().percentile());
      m.put("sloSeconds", pr.slo().targetSeconds());
      m.put("predictedSeconds", Text.jsonNumber(pr.predictedSeconds()));
      m.put("meetsSlo", pr.meets());
      models.add(m);
    }
    root.put("models", models);
    List<Map<String, Object>> shared = new ArrayList<>();
    for (Placement.SharedGpu s : p.sharedGpus()) {
      Map<String, Object> g = new LinkedHashMap<>();
      g.put("group", s.group());
      g.put("cycleSeconds", s.cycleSeconds());
      g.put("occupancy", s.occupancy());
      List<Map<String, Object>> slots = new ArrayList<>();
      for (Placement.Slot slot : s.slots()) {
        Map<String, Object> x = new LinkedHashMap<>();
        x.put("model", slot.model());
        x.put("batch", slot.batch());
        x.put("latencySeconds", slot.latencySeconds());
        x.put("ratePerSecond", slot.ratePerSecond());
        slots.add(x);
      }
      g.put("slots", slots);
      shared.add(g);
    }
    root.put("sharedGpus", shared);
    if (tier != null) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("group", tier.group());
      t.put("feasible", tier.feasible());
      t.put("totalGpus", tier.feasible() ? tier.totalGpus() : null);
      t.put("placementOnlyGpus", tier.placementOnlyGpus() >= 0 ? tier.placementOnlyGpus() : null);
      t.put("tierGpus", tier.tierGpus());
      t.put("placedGpus", tier.placement() == null ? 0 : tier.placement().gpusUsed());
      List<Map<String, Object>> tierModels = new ArrayList<>();
      if (tier.swapPlan() != null) {
        for (ModelPlan m : tier.swapPlan().models()) {
          Map<String, Object> x = new LinkedHashMap<>();
          x.put("name", m.name());
          x.put("gpu", m.gpu());
          x.put("mode", m.mode().name().toLowerCase(Locale.ROOT));
          x.put("swapInSeconds", m.swapInSeconds());
          x.put("hitProbability", m.hitProbability());
          x.put("predictedSeconds", Text.jsonNumber(m.predictedSeconds()));
          x.put("meetsSlo", m.meetsSlo());
          tierModels.add(x);
        }
      }
      t.put("models", tierModels);
      root.put("swapping", t);
    }
    root.put("candidateSeconds", candidateSeconds);
    root.put("solveSeconds", p.solveSeconds());
    try {
      return new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String groupsText(PlacementProblem problem) {
    List<String> parts = new ArrayList<>();
    for (GpuGroup g : problem.groups()) {
      parts.add(g.gpus() + " x " + g.gpuType() + " (" + Text.number(g.memoryBytesPerGpu() / 1073741824.0) + " GiB, "
          + g.name() + ")");
    }
    return String.join(", ", parts);
  }

  private static String percent(double x) {
    return String.format(Locale.ROOT, "%.1f%%", 100 * x);
  }
}
