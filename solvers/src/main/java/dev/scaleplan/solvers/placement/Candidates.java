package dev.scaleplan.solvers.placement;

import dev.scaleplan.api.BatchLatency;
import dev.scaleplan.api.InstanceConfig;
import dev.scaleplan.api.Slo;
import dev.scaleplan.queueing.Capacity;
import dev.scaleplan.queueing.CapacityResult;
import dev.scaleplan.queueing.SlotQueue;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;

/**
 * What each model needs on each GPU group, computed once from the queueing module and shared by the heuristic, the
 * ILP and the checks, so that they search the same space (Nexus, Shen et al., SOSP 2019, §4.2):
 *
 * <ul>
 *   <li>a <b>dedicated GPU</b> runs the model alone with work-conserving batching; its capacity C is the largest rate
 *       one GPU serves within the SLO ({@link Capacity#of}, best batch cap among 1, 2, 4, ...);
 *   <li>the model takes {@code floor(λ / C)} dedicated GPUs at rate C each and its <b>residual</b>
 *       {@code λ - floor(λ/C) C} either on one more dedicated GPU ({@code ceil(λ / C)} in all, each at {@code λ / n})
 *       or in a slot of a <b>shared GPU</b> that runs a duty cycle d; the slot's batch is the smallest b that meets
 *       the SLO at the residual rate ({@link SlotQueue#smallestBatch}) and it takes {@code l(b) / d} of the GPU, counted
 *       in millionths rounded up ({@link #OCCUPANCY_UNITS}) so that every solver adds the same integers.
 * </ul>
 */
public final class Candidates {
  /** Occupancy of a shared GPU is counted in these units; a GPU holds {@code OCCUPANCY_UNITS}. */
  public static final int OCCUPANCY_UNITS = 1_000_000;

  /** The largest batch cap tried for a dedicated GPU. */
  public static final int MAX_BATCH = 1024;

  /**
   * One model on one group.
   *
   * @param eligible whether the model may go there (memory fits, some rate meets the SLO on that GPU type)
   * @param reason why not, when not eligible
   * @param dedicatedBatch the batch cap of a dedicated GPU
   * @param gpuCapacity C, the rate one dedicated GPU serves within the SLO
   * @param floorGpus {@code floor(λ / C)}
   * @param ceilGpus {@code ceil(λ / C)}, the GPUs without sharing (0 for an idle model)
   * @param residualRate {@code λ - floorGpus C}, 0 when C divides λ
   * @param slotBatch per duty cycle, the residual's slot batch (0 where no batch meets the SLO)
   * @param occupancy per duty cycle, the residual's share of a shared GPU in {@link #OCCUPANCY_UNITS} (-1 where none)
   */
  public record Fit(boolean eligible, String reason, int dedicatedBatch, double gpuCapacity, int floorGpus,
      int ceilGpus, double residualRate, int[] slotBatch, int[] occupancy) {

    /** Whether the residual may go into a shared GPU at some cycle. */
    public boolean canShare() {
      return eligible && residualRate > 0 && bestCycle() >= 0;
    }

    /** The cycle with the least occupancy, or -1. */
    public int bestCycle() {
      int best = -1;
      for (int d = 0; d < occupancy.length; d++) {
        if (occupancy[d] >= 0 && (best < 0 || occupancy[d] < occupancy[best])) {
          best = d;
        }
      }
      return best;
    }
  }

  private record Key(BatchLatency latency, Slo slo) {}

  private record Dedicated(int batch, double capacity, String reason) {}

  private final PlacementProblem problem;
  private final Fit[][] fits;

  private Candidates(PlacementProblem problem, Fit[][] fits) {
    this.problem = problem;
    this.fits = fits;
  }

  /**
   * The candidates of a problem. Dedicated capacities are computed once per distinct (latency, SLO). Slot batches are
   * computed per group, duty cycle and distinct (latency, SLO), sweeping the models' residual rates upward so that
   * each search starts from the previous answer ({@link SlotQueue#smallestBatch(double, double, BatchLatency, Slo,
   * int)}); the sweeps run in parallel.
   */
  public static Candidates of(PlacementProblem problem) {
    Objects.requireNonNull(problem, "problem");
    Map<Key, Dedicated> cache = new ConcurrentHashMap<>();
    List<ModelDemand> models = problem.models();
    int groups = problem.groups().size();
    Fit[][] fits = new Fit[models.size()][];
    IntStream.range(0, models.size()).parallel().forEach(i -> {
      Fit[] row = new Fit[groups];
      for (int g = 0; g < groups; g++) {
        row[g] = fit(problem, models.get(i), problem.groups().get(g), cache);
      }
      fits[i] = row;
    });
    if (problem.sharing()) {
      // One sweep per (group, latency, SLO, cycle) over the models that have a residual there.
      Map<List<Object>, List<Integer>> classes = new java.util.LinkedHashMap<>();
      for (int i = 0; i < models.size(); i++) {
        for (int g = 0; g < groups; g++) {
          if (fits[i][g].eligible() && fits[i][g].residualRate() > 0) {
            BatchLatency latency = models.get(i).latencyByGpuType().get(problem.groups().get(g).gpuType());
            classes.computeIfAbsent(List.of(g, latency, models.get(i).slo()), k -> new java.util.ArrayList<>())
                .add(i);
          }
        }
      }
      int cycles = problem.cycleSeconds().size();
      List<Runnable> sweeps = new java.util.ArrayList<>();
      for (Map.Entry<List<Object>, List<Integer>> e : classes.entrySet()) {
        int g = (Integer) e.getKey().get(0);
        BatchLatency latency = (BatchLatency) e.getKey().get(1);
        Slo slo = (Slo) e.getKey().get(2);
        List<Integer> members = new java.util.ArrayList<>(e.getValue());
        members.sort(java.util.Comparator.comparingDouble(i -> fits[i][g].residualRate()));
        for (int d = 0; d < cycles; d++) {
          int cycle = d;
          double seconds = problem.cycleSeconds().get(d);
          sweeps.add(() -> {
            int atLeast = 1;
            for (int i : members) {
              Fit f = fits[i][g];
              OptionalInt b = SlotQueue.smallestBatch(f.residualRate(), seconds, latency, slo, atLeast);
              if (b.isEmpty()) {
                break; // a higher rate needs at least as large a batch, and none works here
              }
              atLeast = b.getAsInt();
              f.slotBatch()[cycle] = atLeast;
              f.occupancy()[cycle] = (int) Math.ceil(latency.seconds(atLeast) / seconds * OCCUPANCY_UNITS);
            }
          });
        }
      }
      sweeps.parallelStream().forEach(Runnable::run);
    }
    return new Candidates(problem, fits);
  }

  /**
   * The candidates of the sub-problem of the given models (indices into this problem's models, in the order given),
   * on the same groups and cycles, without recomputing anything: a model's candidates do not depend on the other
   * models (the sweeps only share their starting points).
   */
  public Candidates subset(int[] models) {
    Objects.requireNonNull(models, "models");
    List<ModelDemand> chosen = new java.util.ArrayList<>(models.length);
    Fit[][] rows = new Fit[models.length][];
    for (int k = 0; k < models.length; k++) {
      if (models[k] < 0 || models[k] >= fits.length) {
        throw new IllegalArgumentException("Model index " + models[k] + " is outside 0.." + (fits.length - 1) + ".");
      }
      chosen.add(problem.models().get(models[k]));
      rows[k] = fits[models[k]];
    }
    return new Candidates(new PlacementProblem(chosen, problem.groups(), problem.cycleSeconds(), problem.sharing()),
        rows);
  }

  /** The problem. */
  public PlacementProblem problem() {
    return problem;
  }

  /** Model i on group g. */
  public Fit fit(int model, int group) {
    return fits[model][group];
  }

  /** How many models. */
  public int models() {
    return fits.length;
  }

  /** How many groups. */
  public int groups() {
    return problem.groups().size();
  }

  /**
   * A lower bound on the GPUs of any placement: every model's least GPUs over its groups, a shared residual counted
   * at its least occupancy, summed and rounded up (group sizes ignored).
   */
  public long lowerBound() {
    long units = 0;
    for (int i = 0; i < fits.length; i++) {
      long best = Long.MAX_VALUE;
      for (int g = 0; g < groups(); g++) {
        Fit f = fits[i][g];
        if (!f.eligible()) {
          continue;
        }
        long need = (long) f.ceilGpus() * OCCUPANCY_UNITS;
        if (problem.sharing() && f.canShare()) {
          need = (long) f.floorGpus() * OCCUPANCY_UNITS + f.occupancy()[f.bestCycle()];
        }
        best = Math.min(best, need);
      }
      if (best != Long.MAX_VALUE) {
        units += best;
      }
    }
    return (units + OCCUPANCY_UNITS - 1) / OCCUPANCY_UNITS;
  }

  /** Why model i can go nowhere, or empty text when some group takes it. */
  public String nowhere(int model) {
    StringBuilder why = new StringBuilder();
    for (int g = 0; g < groups(); g++) {
      Fit f = fits[model][g];
      if (f.eligible()) {
        return "";
      }
      why.append(why.length() == 0 ? "" : "; ").append(problem.groups().get(g).name()).append(": ")
          .append(f.reason());
    }
    return "Model '" + problem.models().get(model).name() + "' fits no GPU group (" + why + ").";
  }

  private static Fit fit(PlacementProblem problem, ModelDemand m, GpuGroup g, Map<Key, Dedicated> cache) {
    int cycles = problem.cycleSeconds().size();
    int[] none = new int[cycles];
    int[] noOccupancy = new int[cycles];
    Arrays.fill(noOccupancy, -1);
    BatchLatency latency = m.latencyByGpuType().get(g.gpuType());
    if (latency == null) {
      return new Fit(false, "no profile on " + g.gpuType(), 0, 0, 0, 0, 0, none, noOccupancy);
    }
    if (m.memoryBytes() > g.memoryBytesPerGpu()) {
      return new Fit(false, "needs " + m.memoryBytes() + " bytes, a GPU has " + g.memoryBytesPerGpu(), 0, 0, 0, 0,
          0, none, noOccupancy);
    }
    Dedicated dedicated = cache.computeIfAbsent(new Key(latency, m.slo()), k -> dedicated(k.latency(), k.slo()));
    if (dedicated.capacity() <= 0) {
      return new Fit(false, dedicated.reason(), 0, 0, 0, 0, 0, none, noOccupancy);
    }
    double rate = m.ratePerSecond();
    double c = dedicated.capacity();
    long floorLong = (long) Math.floor(rate / c);
    if (floorLong > Integer.MAX_VALUE - 1) {
      throw new IllegalArgumentException("Model '" + m.name() + "' would need more than 2^31 GPUs.");
    }
    int floor = (int) floorLong;
    double residual = rate - floor * c;
    if (residual <= 1e-9 * Math.max(rate, 1e-300)) {
      residual = 0;
    }
    int ceil = residual > 0 ? floor + 1 : floor;
    int[] batch = new int[cycles]; // filled by the sweeps of #of
    int[] occupancy = noOccupancy.clone();
    return new Fit(true, "", dedicated.batch(), c, floor, ceil, residual, batch, occupancy);
  }

  private static Dedicated dedicated(BatchLatency latency, Slo slo) {
    int top = Math.min(latency.maxBatchSize(), MAX_BATCH);
    int bestBatch = 0;
    double best = 0;
    String reason = "";
    for (int b = 1; ; b = Math.min(top, b * 2)) {
      if (latency.seconds(b) > slo.targetSeconds()) {
        break; // even alone, a batch this size misses the SLO; larger ones are slower still
      }
      if (b / latency.seconds(b) <= best) {
        // The saturation rate b / l(b) bounds the capacity: this cap cannot beat the best one.
        if (b == top) {
          break;
        }
        continue;
      }
      CapacityResult r = Capacity.of(InstanceConfig.of(1, b, latency), slo);
      if (r.feasible() && r.maxRatePerSecond() > best) {
        best = r.maxRatePerSecond();
        bestBatch = b;
      } else if (!r.feasible() && reason.isEmpty()) {
        reason = r.reason();
      }
      if (b == top) {
        break;
      }
    }
    return new Dedicated(bestBatch, best, reason.isEmpty() ? "no rate meets " + slo : reason);
  }
}
