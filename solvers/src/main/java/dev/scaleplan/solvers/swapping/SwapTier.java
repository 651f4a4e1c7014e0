package dev.scaleplan.solvers.swapping;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.Checks;
import dev.scaleplan.solvers.placement.Candidates;
import dev.scaleplan.solvers.placement.GpuGroup;
import dev.scaleplan.solvers.placement.GreedyPlacer;
import dev.scaleplan.solvers.placement.ModelDemand;
import dev.scaleplan.solvers.placement.Placement;
import dev.scaleplan.solvers.placement.PlacementProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;

/**
 * Placement with a swapping tier: the coldest models leave the placement and are served by a node of GPUs taken from
 * one group, on which {@link SwapPlanner} keeps some resident and swaps the others in from host memory (FaaSwap,
 * arXiv 2306.03622); the rest are placed with dedicated and shared GPUs ({@link GreedyPlacer}, Nexus's squishy bin
 * packing). Cold models are what swapping is for: a model whose traffic needs a sliver of a GPU still holds its whole
 * memory on a shared GPU, while on the swapping tier it holds memory only while it runs.
 *
 * <p>The search (ours): sort the models by rate, coldest first; for every k from 0 to n, place the n - k hottest by
 * the heuristic and find the fewest GPUs G of the chosen group on which the swapping plan of the k coldest serves every
 * one within its SLO (G counted up from the tier's work, {@code sum λ l(1)}, and from the G of smaller k, as a superset
 * of models is taken never to need fewer GPUs); keep the k with the fewest GPUs in all
 * (ties: fewer swapped models). k = 0 is the placement alone, so the tier never costs GPUs. Both halves are checked by
 * their own predictions (the placement's queueing figures, the swapping plan's M/G/1 figures); the split between them
 * is a heuristic, not an optimum.
 */
public final class SwapTier {
  private SwapTier() {}

  /**
   * The result.
   *
   * @param placementProblem the problem of the models not on the tier (for {@code PlacementCheck.predict}); null when
   *     every model is on the tier
   * @param placement its placement; null when every model is on the tier
   * @param tierModels the tier's models, coldest first; empty when none
   * @param swapPlan the tier's swapping plan, its models in {@code tierModels}' order; null when none
   * @param tierGpus the tier's GPUs
   * @param totalGpus placement GPUs plus tier GPUs; -1 when no split serves every model
   * @param placementOnlyGpus the placement of every model without a tier (k = 0), for comparison; -1 when none
   * @param group the group the tier's GPUs come from
   */
  public record Result(PlacementProblem placementProblem, Placement placement, List<SwapModel> tierModels,
      SwapPlan swapPlan, int tierGpus, long totalGpus, long placementOnlyGpus, String group) {
    public Result {
      tierModels = List.copyOf(tierModels);
    }

    /** Whether every model is served within its SLO by the two halves' own predictions. */
    public boolean feasible() {
      return totalGpus >= 0;
    }

    /** How many models (the coldest) the tier serves. */
    public int swappedModels() {
      return tierModels.size();
    }
  }

  /** The tier's node: which group, its host-to-GPU bandwidth, interference factor and layers per model. */
  public record Options(String group, double hostToGpuBytesPerSecond, double interferenceFactor, int layers) {
    public Options {
      Objects.requireNonNull(group, "group");
      Checks.positive("host-to-GPU bandwidth (B/s)", hostToGpuBytesPerSecond);
      if (!(interferenceFactor >= 1) || Double.isInfinite(interferenceFactor)) {
        throw new IllegalArgumentException("The interference factor (" + interferenceFactor
            + ") must be a finite number at least 1.");
      }
      Checks.atLeast("layers per model", layers, 1);
    }
  }

  /**
   * The fewest GPUs with a swapping tier on {@code options.group()}, as described above. Infeasible (every k fails)
   * is a result with {@code totalGpus = -1}.
   */
  public static Result plan(PlacementProblem problem, Options options) {
    Objects.requireNonNull(problem, "problem");
    Objects.requireNonNull(options, "options");
    GpuGroup group = problem.groups().stream().filter(g -> g.name().equals(options.group())).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("There is no GPU group '" + options.group() + "'; the groups "
            + "are " + problem.groups().stream().map(GpuGroup::name).toList() + "."));
    List<ModelDemand> models = problem.models();
    int n = models.size();
    List<Integer> coldestFirst = IntStream.range(0, n).boxed()
        .sorted(Comparator.comparingDouble((Integer i) -> models.get(i).ratePerSecond()).thenComparingInt(i -> i))
        .toList();
    Candidates all = Candidates.of(problem);
    Result best = null;
    long placementOnly = -1;
    // The fewest tier GPUs any larger k can need: the coldest k + 1 models contain the coldest k, and a superset never
    // needs fewer GPUs (true of the optimum; taken of the planner), so a size that failed, or fewer than one that
    // served, is not tried again. This keeps the search to about one swapping plan per k.
    long lower = 1;
    for (int k = 0; k <= n; k++) {
      int[] hot = new int[n - k];
      List<ModelDemand> cold = new ArrayList<>();
      boolean servable = true;
      for (int r = 0; r < n; r++) {
        int i = coldestFirst.get(r);
        if (r < k) {
          cold.add(models.get(i));
          servable &= servable(models.get(i), group);
        } else {
          hot[r - k] = i;
        }
      }
      if (!servable) {
        break;  // a colder model cannot be served on the tier's GPUs, and every larger k includes it
      }
      Candidates rest = hot.length > 0 ? all.subset(hot) : null;
      Placement placement = null;
      long used = 0;
      long usedInGroup = 0;
      if (rest != null) {
        placement = GreedyPlacer.place(rest);
        if (!placement.status().placed()) {
          continue;
        }
        used = placement.gpusUsed();
        usedInGroup = gpusIn(placement, group.name());
      }
      if (k == 0) {
        placementOnly = used;
        best = new Result(problem, placement, List.of(), null, 0, used, used, group.name());
        continue;
      }
      if (best != null && used >= best.totalGpus()) {
        continue;  // even one tier GPU would not beat the best so far
      }
      long free = group.gpus() - usedInGroup;
      long limit = best == null ? free : Math.min(free, best.totalGpus() - used - 1);
      List<SwapModel> tierModels = swapModels(cold, group, options);
      SwapPlan tier = fewestGpus(tierModels, group, options, lower, limit);
      if (tier == null) {
        lower = Math.max(lower, limit + 1);
      } else {
        lower = tier.gpus().size();
        best = new Result(rest == null ? null : rest.problem(), placement, tierModels, tier, tier.gpus().size(),
            used + tier.gpus().size(), placementOnly, group.name());
      }
    }
    if (best == null) {
      return new Result(null, null, List.of(), null, 0, -1, -1, group.name());
    }
    return new Result(best.placementProblem(), best.placement(), best.tierModels(), best.swapPlan(), best.tierGpus(),
        best.totalGpus(), placementOnly, group.name());
  }

  /** The swapping plan on the fewest GPUs, at most {@code limit}, that serves every model within its SLO; or null. */
  static SwapPlan fewestGpus(List<SwapModel> models, GpuGroup group, Options options, long limit) {
    return fewestGpus(models, group, options, 1, limit);
  }

  /** As {@link #fewestGpus(List, GpuGroup, Options, long)}, trying no fewer than {@code from} GPUs. */
  static SwapPlan fewestGpus(List<SwapModel> models, GpuGroup group, Options options, long from, long limit) {
    double work = 0;
    for (SwapModel m : models) {
      work += m.ratePerSecond() * m.executionSeconds();
    }
    for (long g = Math.max(from, (long) Math.floor(work) + 1); g <= limit && g <= Integer.MAX_VALUE; g++) {
      SwapNode node = SwapNode.of((int) g, group.memoryBytesPerGpu(), options.hostToGpuBytesPerSecond(),
          options.interferenceFactor());
      SwapPlan quick = SwapPlanner.plan(node, models, 0);
      if (servesAll(quick, models.size())) {
        return quick;
      }
      // The improvement pass moves one model per rebuild; far from serving all, skip it and add a GPU.
      if (models.size() - quick.meetingSlo() <= RESCUE_LIMIT) {
        SwapPlan plan = SwapPlanner.plan(node, models);
        if (servesAll(plan, models.size())) {
          return plan;
        }
      }
      if (g >= models.size()) {
        return null;  // one GPU per model and still missing: more GPUs do not help a model served by one
      }
    }
    return null;
  }

  /**
   * The tier's view of placement models: the latency on the group's GPU type, the model's memory as its parameters
   * (what a swap-in moves and a resident copy holds) in {@code options.layers()} equal layers.
   */
  public static List<SwapModel> swapModels(List<ModelDemand> models, GpuGroup group, Options options) {
    List<SwapModel> out = new ArrayList<>(models.size());
    for (ModelDemand m : models) {
      BatchLatency l = m.latencyByGpuType().get(group.gpuType());
      if (l == null) {
        throw new IllegalArgumentException("Model '" + m.name() + "' has no latency on " + group.gpuType()
            + ", the GPU type of group '" + group.name() + "'.");
      }
      out.add(SwapModel.of(m.name(), l, m.memoryBytes(), options.layers(), m.ratePerSecond(), m.slo()));
    }
    return out;
  }

  /**
   * Whether the tier can serve {@code m} at all: it has a latency on the group's GPU type, fits in one GPU's memory,
   * and one request alone, {@code l(1)}, is within its SLO target (a response is never shorter).
   */
  private static boolean servable(ModelDemand m, GpuGroup group) {
    BatchLatency l = m.latencyByGpuType().get(group.gpuType());
    return l != null && m.memoryBytes() <= group.memoryBytesPerGpu() && l.seconds(1) <= m.slo().targetSeconds();
  }

  /** A tier size is tried with the improvement pass only when steps 1 to 4 leave at most this many models missing. */
  static final int RESCUE_LIMIT = 4;

  private static boolean servesAll(SwapPlan plan, int models) {
    return plan.status() == SwapPlan.Status.PLANNED && plan.meetingSlo() == models;
  }

  /** The GPUs a placement takes in one group: dedicated plus shared. */
  static long gpusIn(Placement p, String group) {
    long used = p.sharedGpus().stream().filter(s -> s.group().equals(group)).count();
    for (Placement.Assignment a : p.models()) {
      if (a.group().equals(group)) {
        used += a.dedicatedGpus();
      }
    }
    return used;
  }
}
